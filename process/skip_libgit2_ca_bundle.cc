// libgit2's initialisation, built with mbedTLS in Debian, parses the whole
// system CA bundle for HTTPS transports liaison never uses: its history moves
// through its own protocol, over Boost.Beast and OpenSSL, which load
// certificates only when they open a TLS connection. So mbedTLS's file loader
// does nothing for libgit2: reached through the linker's --wrap with the
// static libgit2, by interposition with a shared one
// (scripts/link_dependencies.cmake). Compiled into each program and test
// (LIAISON_PROGRAM_SOURCES), not into a library, which the linker would not
// search for it. If liaison ever fetches over HTTPS with libgit2 itself,
// delete this file.
#ifdef LIAISON_STATIC_LIBGIT2
extern "C" int __wrap_mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
#else
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
#endif
