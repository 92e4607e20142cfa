// Startup cost cut for the liaison programs (linked into each executable,
// not into core): Debian's libgit2 is built with mbedTLS, and
// git_libgit2_init() parses the whole system CA bundle (about 140
// certificates, 6 ms) for HTTPS transports that liaison never uses — its
// history moves through its own sync protocol, over Boost.Beast and OpenSSL,
// which load certificates only when they make a TLS connection. Defining
// mbedTLS's file loader in the executable interposes it for libgit2 alone
// (OpenSSL does not use mbedTLS), so every command starts 6 ms sooner.
//
// If liaison ever fetches over HTTPS with libgit2 itself, delete this file.
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }
