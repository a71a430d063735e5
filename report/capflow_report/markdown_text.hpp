#pragma once
// Text from a scenario's authors (titles, holder and tier names) written into Markdown:
// escaped so that it prints as the text it is, in every Markdown capflow writes (reports
// and the `--format md` tables), never a link, an image, raw HTML or code.

#include <string>
#include <string_view>

namespace capflow {

// Link, image and code syntax ('[', ']', '`', '\\') backslash-escaped; '<' as "&lt;"
// where it could open an HTML tag, comment or autolink (before a letter, '/', '!' or
// '?': "<0.1%" stays as it is), and a leading '>' (a quote) as "&gt;". In a table cell
// (cell = true) also '|', and a newline becomes a space so that the row stays one line.
std::string markdown_text(std::string_view s, bool cell = false);

}  // namespace capflow
