// The address this host sends from when it talks to another host: the one each rank's Gloo
// device binds to, so that every rank of a run across hosts listens on its own interface toward
// the rendezvous host (MASTER_ADDR is an address of rank 0's host only).
#pragma once

#include <string>

namespace morphaeus {

// The numeric local address of the route toward `host` (a name or a numeric IPv4/IPv6
// address), as the kernel would pick it for a connection to `host`:`port`; no packet is sent.
// Throws std::runtime_error naming `host` when it does not resolve or no route leads to it.
std::string localAddressToward(const std::string& host, int port);

}  // namespace morphaeus
