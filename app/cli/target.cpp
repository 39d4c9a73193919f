#include "app/cli/target.hpp"

#include "app/cli/exit_codes.hpp"
#include "app/cli/json_text.hpp"

namespace refpoint::cli {

namespace {

std::string_view kinds_text(target_kinds kinds) {
  switch (kinds) {
  case target_kinds::system:
    return "system";
  case target_kinds::collection:
    return "collection";
  case target_kinds::either:
    break;
  }
  return "system or collection";
}

} // namespace

std::string resource_path(const target& t) {
  return (t.collection ? "/api/v1/collections/" : "/api/v1/systems/") + url_encode(t.id);
}

api_answer fetch_resource(context& ctx, const target& t) {
  if (t.fetched)
    return *t.fetched;
  return ctx.server.get(resource_path(t));
}

std::variant<target, int> resolve_target(context& ctx, const std::string& text,
                                         target_kinds kinds) {
  std::vector<bool> candidates; // is_collection, in lookup order
  if (kinds != target_kinds::collection)
    candidates.push_back(false);
  if (kinds != target_kinds::system)
    candidates.push_back(true);

  for (const bool is_collection : candidates) {
    target t{is_collection, text, std::nullopt};
    auto answer = ctx.server.get(resource_path(t));
    if (answer.status == 404)
      continue;
    if (!answer)
      return ctx.server.report(answer);
    t.id = text_of(answer.json.as_object(), is_collection ? "id" : "name");
    t.fetched = std::move(answer);
    return t;
  }

  // Not an id: an element name naming exactly one of them?
  std::vector<target> named;
  for (const bool is_collection : candidates) {
    auto answer = ctx.server.get(is_collection ? "/api/v1/collections" : "/api/v1/systems");
    if (!answer)
      return ctx.server.report(answer);
    for (const auto& item : array_at(answer.json.as_object(), "items"))
      if (item.is_object() && text_of(item.get_object(), "elementName") == text)
        named.push_back(
          {is_collection, text_of(item.get_object(), is_collection ? "id" : "name"), std::nullopt});
  }
  if (named.size() == 1)
    return named.front();
  if (named.empty()) {
    ctx.err << "refpoint: no " << kinds_text(kinds) << " has the id or element name '" << text
            << "'\n";
    return exit_refused;
  }
  ctx.err << "refpoint: '" << text << "' is the element name of " << named.size() << " "
          << (kinds == target_kinds::either ? "systems or collections"
                                            : std::string{kinds_text(kinds)} + "s")
          << "; give the id of one:\n";
  for (const auto& t : named)
    ctx.err << "  " << (t.collection ? "collection " : "system ") << t.id << "\n";
  return exit_usage;
}

} // namespace refpoint::cli
