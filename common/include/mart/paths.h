#pragma once
// Where mart keeps its files, resolved the same way by martd and martctl so
// that a client finds the daemon's socket and cookie from the data dir alone.

#include <string>

namespace mart {

// $MART_DATA_DIR, else $XDG_DATA_HOME/mart, else $HOME/.local/share/mart.
std::string DefaultDataDir();
// The daemon's default request endpoint for a data dir:
// ipc://$XDG_RUNTIME_DIR/mart/martd.sock for the default data dir when
// XDG_RUNTIME_DIR is set, else ipc://<data_dir>/run/martd.sock.
std::string DefaultEndpoint(const std::string& data_dir);
// The events (PUB) endpoint beside an ipc request endpoint: martd.sock ->
// martd-events.sock. "" for tcp://, where the only feed is the authenticated
// one on the request socket (events.subscribe).
std::string EventsEndpointFor(const std::string& request_endpoint);
// The local operator cookie file of a data dir.
std::string CookiePath(const std::string& data_dir);
// $XDG_CONFIG_HOME/mart or $HOME/.config/mart.
std::string DefaultConfigDir();

}  // namespace mart
