#include "tools/temblor/devtools/completions.hpp"

#include <vector>

namespace temblor::devtools {

namespace {

struct command {
  const char* name;
  const char* flags;
  const char* files; ///< file patterns it takes
};

const std::vector<command>& commands() {
  static const std::vector<command> list = {
    {"run", "-i --infile -o --outfile -d --decoder -e --encoder --preprocessor --postprocessor --io-threads "
     "--interactive --pretty -p --port",
     "*.troy *.trickle *.tremor"},
    {"server", "run", ""},
    {"check", "-d --debug-connectors", "*.troy"},
    {"test", "all integration bench command unit -i --includes -e --excludes -t --timeout -o --report -v --verbose", ""},
    {"dbg", "dot ast lex src", "*.troy *.trickle *.tremor"},
    {"new", "", ""},
    {"doc", "", "*.tremor"},
    {"completions", "bash zsh fish", ""},
    {"connectors", "", ""},
    {"status", "-a --api-host --interval", ""},
    {"top", "-a --api-host --interval -n --iterations", ""},
  };
  return list;
}

const char* server_run_flags =
  "-p --pid -n --no-api -d --debug-connectors -a --api-host -r --recursion-limit -l "
  "--logger-config -i --instance --log-format --keep-serving --io-threads";

std::string names() {
  std::string out;
  for (const auto& c : commands())
    out += std::string(out.empty() ? "" : " ") + c.name;
  return out;
}

std::string bash() {
  std::string s = "# bash completion for temblor\n_temblor() {\n"
                  "  local cur=${COMP_WORDS[COMP_CWORD]} cmd=${COMP_WORDS[1]}\n"
                  "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
                  "    COMPREPLY=($(compgen -W \"" + names() + " --version --help -i --instance -l --logger-config --log-format\" -- \"$cur\"))\n"
                  "    return\n  fi\n  case $cmd in\n";
  for (const auto& c : commands()) {
    std::string words = c.flags;
    if (std::string(c.name) == "server")
      words = std::string("run ") + server_run_flags;
    s += "    " + std::string(c.name) + ") COMPREPLY=($(compgen -W \"" + words +
         "\" -- \"$cur\") $(compgen -f -- \"$cur\")) ;;\n";
  }
  s += "  esac\n}\ncomplete -F _temblor temblor\n";
  return s;
}

std::string zsh() {
  std::string s = "#compdef temblor\n_temblor() {\n  local -a commands\n  commands=(\n";
  for (const auto& c : commands())
    s += "    '" + std::string(c.name) + "'\n";
  s += "  )\n  if (( CURRENT == 2 )); then\n    _describe 'command' commands\n  else\n"
       "    case $words[2] in\n";
  for (const auto& c : commands()) {
    std::string words = c.flags;
    if (std::string(c.name) == "server")
      words = std::string("run ") + server_run_flags;
    s += "      " + std::string(c.name) + ") _arguments '*:arg:(" + words + ")' '*:file:_files' ;;\n";
  }
  s += "    esac\n  fi\n}\n_temblor \"$@\"\n";
  return s;
}

std::string fish() {
  std::string s = "# fish completion for temblor\n";
  for (const auto& c : commands())
    s += "complete -c temblor -n '__fish_use_subcommand' -a " + std::string(c.name) + "\n";
  for (const auto& c : commands()) {
    std::string words = c.flags;
    if (std::string(c.name) == "server")
      words = std::string("run ") + server_run_flags;
    if (!words.empty())
      s += "complete -c temblor -n '__fish_seen_subcommand_from " + std::string(c.name) +
           "' -a '" + words + "'\n";
  }
  return s;
}

} // namespace

bool completion_script(const std::string& shell, std::string& out) {
  if (shell == "bash")
    out = bash();
  else if (shell == "zsh")
    out = zsh();
  else if (shell == "fish")
    out = fish();
  else
    return false;
  return true;
}

} // namespace temblor::devtools
