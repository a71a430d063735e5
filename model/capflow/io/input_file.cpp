#include "capflow/io/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace capflow {
namespace {

const char* file_type(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

std::string mib(std::uintmax_t bytes) {
  return std::to_string(bytes >> 20) + " MiB";
}

// Length of the UTF-8 sequence starting at s[i] if it is valid, else 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;  // overlong
    if (c == 0xED) hi = 0x9F;  // surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;  // overlong
    if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

}  // namespace

std::uintmax_t max_input_bytes(InputKind kind) {
  return kind == InputKind::result ? std::uintmax_t{64} << 20 : std::uintmax_t{16} << 20;
}

const char* input_kind_name(InputKind kind) {
  switch (kind) {
    case InputKind::scenario:
      return "scenario file";
    case InputKind::result:
      return "result file";
    case InputKind::text_template:
      return "template";
  }
  return "file";
}

InputText read_input(const std::string& path, InputKind kind, bool allow_stdin) {
  InputText out;
  auto fail = [&](std::string why) {
    out.failure.reason = std::move(why);
    return out;
  };
  const std::uintmax_t cap = max_input_bytes(kind);
  const std::string too_large =
      "more than " + mib(cap) + ", too large for a " + input_kind_name(kind);
  if (!is_valid_utf8(path)) return fail("the file name is not valid UTF-8");
  int fd = -1;
  bool from_stdin = false;
  if (path == "-" && allow_stdin) {
    fd = STDIN_FILENO;
    from_stdin = true;
  } else {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one (it is refused
    // below anyway); regular files ignore the flag.
    fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return fail(std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const std::string why = std::strerror(errno);
    if (!from_stdin) ::close(fd);
    return fail(why);
  }
  // Standard input may be a pipe or a terminal: the user chose to feed it.
  if (!from_stdin && !S_ISREG(st.st_mode)) {
    ::close(fd);
    if (S_ISDIR(st.st_mode)) return fail("it is a directory");
    return fail(std::string("it is ") + file_type(st.st_mode) +
                "; capflow reads regular files only");
  }
  if (!from_stdin && static_cast<std::uintmax_t>(st.st_size) > cap) {
    ::close(fd);
    return fail(too_large);
  }
  if (!from_stdin) {
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  }
  // Read up to the cap even for a regular file: it may grow while we read.
  std::string text;
  char chunk[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string why = std::strerror(errno);
      if (!from_stdin) ::close(fd);
      return fail(why);
    }
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
    if (text.size() > cap) {
      if (!from_stdin) ::close(fd);
      return fail(too_large);
    }
  }
  if (!from_stdin) ::close(fd);
  if (auto bad = check_text(text)) {
    out.failure = *bad;
    return out;
  }
  out.text = std::move(text);
  return out;
}

std::optional<InputFailure> check_text(std::string_view text) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '\0') return InputFailure{"a NUL byte; capflow reads text files only", {line, column}};
    const std::size_t n = utf8_length(text, i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X",
                    static_cast<unsigned>(static_cast<unsigned char>(c)));
      return InputFailure{std::string("invalid UTF-8 (byte ") + hex + ")", {line, column}};
    }
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
  return std::nullopt;
}

bool is_valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t n = utf8_length(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

bool json_nests_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

}  // namespace capflow
