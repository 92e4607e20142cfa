// libgit2 (built with mbedTLS in Debian) parses the whole system CA bundle at
// initialisation, for HTTPS transports liaison never uses: its history moves
// over Boost.Beast and OpenSSL. So mbedTLS's file loader does nothing for
// libgit2, by the linker's --wrap with the static libgit2 and by
// interposition with a shared one (scripts/link_dependencies.cmake). If
// liaison ever fetches over HTTPS with libgit2 itself, delete this file.
#ifdef LIAISON_STATIC_LIBGIT2
extern "C" int __wrap_mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
#else
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
#endif
