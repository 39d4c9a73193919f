#include "app/inventory_file.hpp"

#include "protocol/rest_json.hpp"

#include <boost/json/parse.hpp>

#include <fstream>
#include <sstream>

namespace refpoint::app {

std::variant<std::vector<protocol::system_info>, std::string>
load_inventory_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in)
    return "cannot read inventory '" + path + "'";
  std::stringstream text;
  text << in.rdbuf();
  boost::system::error_code ec;
  auto doc = boost::json::parse(text.str(), ec);
  if (ec)
    return "inventory '" + path + "': not valid JSON: " + ec.message();
  const auto* root = doc.if_object();
  const auto* systems = root ? root->if_contains("systems") : nullptr;
  if (!systems || !systems->is_array())
    return "inventory '" + path + "': expected an object with a \"systems\" array";
  std::vector<protocol::system_info> out;
  std::size_t index = 0;
  for (const auto& entry : systems->get_array()) {
    auto where = "inventory '" + path + "': systems[" + std::to_string(index++) + "]";
    auto decoded = protocol::decode_system(entry);
    if (!decoded)
      return where + ": " + decoded.error().message;
    if (decoded.value().name.empty())
      return where + ": a seeded system needs a \"name\" (GUID) so that seeding is repeatable";
    out.push_back(std::move(decoded).value());
  }
  return out;
}

std::size_t seed_inventory(persistence::database& db,
                           const std::vector<protocol::system_info>& systems,
                           protocol::timestamp_us now) {
  std::size_t added = 0;
  db.transact([&] {
    for (auto info : systems) {
      if (db.get_system(info.name))
        continue;
      if (info.created_at == 0)
        info.created_at = now;
      db.put_system(info);
      ++added;
    }
  });
  return added;
}

} // namespace refpoint::app
