// The web console's files (app/web/), embedded into the binary at build time
// by app/embed_assets.cmake (target console_assets, app/console/). Nothing is
// read from disk or fetched at run time.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace console {

struct ConsoleAsset {
  std::string_view bytes;         // the file's exact bytes (static storage)
  std::string_view content_type;  // e.g. "text/html; charset=utf-8"
};

// `path` is relative to app/web/ ("index.html", "app.js"); a leading '/' and
// a query string are ignored, "" means index.html. nullopt when no such file.
std::optional<ConsoleAsset> LookupConsoleAsset(std::string_view path);

// How many files are embedded (for tests and --version style diagnostics).
std::size_t ConsoleAssetCount();

}  // namespace console
