#include "app/cli/server_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace refpoint::cli {

std::variant<server_url, std::string> parse_server_url(std::string_view text) {
  std::string with_scheme{text};
  if (text.find("://") == std::string_view::npos)
    with_scheme = "http://" + with_scheme;
  const auto parsed = boost::urls::parse_absolute_uri(with_scheme);
  if (!parsed)
    return "server URL '" + std::string{text} + "' is not a URL (expected http://HOST:PORT)";
  const boost::urls::url_view& url = *parsed;
  const bool tls = url.scheme_id() == boost::urls::scheme::https;
  if (url.scheme_id() != boost::urls::scheme::http && !tls)
    return "server URL '" + std::string{text} + "': only http:// and https:// are supported";
  if (url.host().empty())
    return "server URL '" + std::string{text} + "' names no host";
  if (url.has_query() || url.has_fragment() || url.has_userinfo())
    return "server URL '" + std::string{text} + "' must be http[s]://HOST[:PORT][/PATH]";
  server_url out;
  out.tls = tls;
  out.host = url.host_type() == boost::urls::host_type::ipv6 ? url.host_ipv6_address().to_string()
                                                             : std::string{url.host_address()};
  out.port = url.has_port() && !url.port().empty() ? std::string{url.port()} : tls ? "443" : "80";
  out.authority = std::string{url.encoded_host_and_port()};
  out.prefix = std::string{url.encoded_path()};
  while (!out.prefix.empty() && out.prefix.back() == '/')
    out.prefix.pop_back();
  return out;
}

} // namespace refpoint::cli
