// Startup cost cut for the liaison programs (compiled into each executable and
// test, not into core): Debian's libgit2 is built with mbedTLS, and
// git_libgit2_init() parses the whole system CA bundle (about 140
// certificates, 6 ms) for HTTPS transports that liaison never uses — its
// history moves through its own sync protocol, over Boost.Beast and OpenSSL,
// which load certificates only when they make a TLS connection. Replacing
// mbedTLS's file loader for libgit2 (OpenSSL does not use mbedTLS) makes every
// command start 6 ms sooner.
//
// With the static libgit2 (scripts/link_dependencies.cmake) the linker's
// --wrap sends libgit2's calls here; with the shared one, a definition in the
// executable interposes the library's.
//
// If liaison ever fetches over HTTPS with libgit2 itself, delete this file.
#ifdef LIAISON_STATIC_LIBGIT2
extern "C" int __wrap_mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
#else
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
#endif
