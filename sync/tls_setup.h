// How the sync client trusts a server under TLS, shared by its requests
// (http_client.h) and the change feed (event_stream.h): the system's
// authorities, or the PEM file LIAISON_CA_FILE names, and the server's
// certificate checked against the host name asked for.
#pragma once

#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl.hpp>

namespace liaison::sync {

// Loads the authorities to trust into `ctx`. Throws UserError when
// LIAISON_CA_FILE names a file that cannot serve (ca_file_problem()).
void trust_servers(boost::asio::ssl::context& ctx);
// Names `host` to the server (SNI) and verifies its certificate for it.
// Throws Failure when OpenSSL refuses the name.
void expect_host(boost::beast::ssl_stream<boost::beast::tcp_stream>& stream, const std::string& host);

}  // namespace liaison::sync
