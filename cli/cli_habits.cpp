#include "cli_habits.hpp"

#include <string_view>

#include "capflow/io/json_reader.hpp"

namespace capflow::cli {
namespace {

std::vector<std::string> long_options(const CLI::App& sub) {
  std::vector<std::string> out;
  for (const CLI::Option* o : sub.get_options()) {
    for (const auto& n : o->get_lnames()) out.push_back("--" + n);
    for (const auto& n : o->get_snames()) out.push_back("-" + n);
  }
  return out;
}

std::string did_you_mean(const std::string& word, const std::vector<std::string>& names) {
  std::vector<std::string_view> views(names.begin(), names.end());
  const std::string best = closest_match(word, views);
  return best.empty() ? std::string() : "; did you mean \"" + best + "\"?";
}

}  // namespace

std::vector<std::string> rewrite_help(std::vector<std::string> args) {
  if (args.size() >= 2 && args[1] == "help") {
    if (args.size() == 2) return {args[0], "--help"};
    return {args[0], args[2], "--help"};
  }
  return args;
}

std::optional<std::string> misspelling(const CLI::App& app, const std::vector<std::string>& args) {
  if (args.size() < 2 || args[1].starts_with("-")) return std::nullopt;
  std::vector<std::string> commands;
  const CLI::App* sub = nullptr;
  for (const CLI::App* s : app.get_subcommands({})) {
    commands.push_back(s->get_name());
    if (s->get_name() == args[1]) sub = s;
  }
  if (args[1] == "completion") return std::nullopt;
  commands.push_back("help");
  commands.push_back("completion");
  if (!sub) {
    return "capflow: no command \"" + args[1] + "\"" + did_you_mean(args[1], commands) +
           " (capflow --help lists them)";
  }
  const std::vector<std::string> options = long_options(*sub);
  for (std::size_t i = 2; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") break;
    if (!a.starts_with("--") || a.size() == 2) continue;
    const std::string name = a.substr(0, a.find('='));
    if (std::find(options.begin(), options.end(), name) != options.end()) continue;
    return "capflow " + args[1] + ": no option " + name + did_you_mean(name, options) +
           " (capflow help " + args[1] + " lists them)";
  }
  return std::nullopt;
}

std::optional<std::string> completion_script(const CLI::App& app, const std::string& shell) {
  std::vector<std::pair<std::string, std::string>> commands;  // name, its options
  std::string names;
  for (const CLI::App* s : app.get_subcommands({})) {
    std::string opts;
    for (const auto& o : long_options(*s)) opts += (opts.empty() ? "" : " ") + o;
    commands.emplace_back(s->get_name(), opts);
    names += (names.empty() ? "" : " ") + s->get_name();
  }
  names += " help completion";
  if (shell == "bash" || shell == "zsh") {
    std::string out =
        "# capflow completion for " + shell + ": eval \"$(capflow completion " + shell + ")\"\n";
    if (shell == "zsh") out += "autoload -U +X bashcompinit && bashcompinit\n";
    out +=
        "_capflow() {\n"
        "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" words=\"\"\n"
        "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
        "    words=\"" +
        names +
        "\"\n"
        "  else\n"
        "    case \"${COMP_WORDS[1]}\" in\n";
    for (const auto& [name, opts] : commands)
      out += "      " + name + ") words=\"" + opts + "\" ;;\n";
    out += "      help) words=\"" + names +
           "\" ;;\n"
           "      completion) words=\"bash zsh fish\" ;;\n"
           "    esac\n"
           "    case \"$cur\" in -*) ;; *) COMPREPLY=($(compgen -f -- \"$cur\")); "
           "[ \"${COMP_WORDS[1]}\" != help ] && [ \"${COMP_WORDS[1]}\" != completion ] && return 0 "
           ";; esac\n"
           "  fi\n"
           "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
           "}\n"
           "complete -o default -F _capflow capflow\n";
    return out;
  }
  if (shell == "fish") {
    std::string out = "# capflow completion for fish: capflow completion fish | source\n";
    out += "complete -c capflow -n __fish_use_subcommand -f -a '" + names + "'\n";
    for (const auto& [name, opts] : commands) {
      std::size_t start = 0;
      while (start < opts.size()) {
        std::size_t end = opts.find(' ', start);
        if (end == std::string::npos) end = opts.size();
        const std::string o = opts.substr(start, end - start);
        start = end + 1;
        if (o.starts_with("--")) {
          out += "complete -c capflow -n '__fish_seen_subcommand_from " + name + "' -l " +
                 o.substr(2) + "\n";
        } else {
          out += "complete -c capflow -n '__fish_seen_subcommand_from " + name + "' -s " +
                 o.substr(1) + "\n";
        }
      }
    }
    out +=
        "complete -c capflow -n '__fish_seen_subcommand_from completion' -f -a 'bash zsh fish'\n";
    return out;
  }
  return std::nullopt;
}

}  // namespace capflow::cli
