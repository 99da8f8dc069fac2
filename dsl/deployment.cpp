#include "dsl/deployment.hpp"

#include <algorithm>
#include <set>
#include <climits>
#include <cstdlib>
#include <sys/stat.h>

#include "dsl/binder.hpp"
#include "dsl/module_loader.hpp"
#include "dsl/parser.hpp"
#include "dsl/pipeline_program.hpp"
#include "runtime/core/suggest.hpp"

namespace temblor::dsl {

namespace {

bool is_dir(const std::string& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void bind_once(expr& e, const scope& s, module_loader& loader) {
  if (loader.store()->bound.insert(&e).second)
    bind_expr(e, s, loader.diags());
}

// Checks the kinds of the keys the runtime reads from a connector's `with`.
void check_with_types(const value& with, const std::vector<with_entry>& entries,
                      diagnostics& diags) {
  auto span_of = [&](const std::string& key) {
    for (const auto& e : entries)
      if (e.name == key)
        return e.span;
    return source_span{};
  };
  auto check = [&](const char* key, bool ok, const char* want) {
    const value* v = with.get(key);
    if (v && !ok)
      diags.error(span_of(key),
                  std::string("Invalid type for `") + key + "`: expected " + want + ", found " +
                    type_name(*v));
  };
  const value* v = nullptr;
  v = with.get("codec");
  check("codec", !v || v->is_string() || v->is_record(), "a string or a record");
  v = with.get("config");
  check("config", !v || v->is_record(), "a record");
  v = with.get("reconnect");
  check("reconnect", !v || v->is_record(), "a record");
  v = with.get("preprocessors");
  check("preprocessors", !v || v->is_array(), "an array");
  v = with.get("postprocessors");
  check("postprocessors", !v || v->is_array(), "an array");
  v = with.get("metrics_interval_s");
  check("metrics_interval_s", !v || v->is_integer(), "an integer");
}

class deployer {
public:
  deployer(module_loader& loader, deployment& out) : loader_(loader), out_(out) {}

  void run(module_ast& root, const std::shared_ptr<const source_file>& file) {
    scope* rs = loader_.make_scope(root.items, nullptr);
    if (root.deploys.empty()) {
      source_span start;
      start.file = file;
      diags().warning(start, "`" + file->name + "` deploys no flow",
                      "add `deploy flow <name>;` or nothing of this file runs");
    }
    check_connector_definitions(root.items);
    for (const auto& f : root.items.flows)
      check_connector_definitions(f->items);
    std::vector<std::string> seen;
    for (auto& d : root.deploys) {
      if (std::find(seen.begin(), seen.end(), d.alias) != seen.end()) {
        diags().error(d.span, "Duplicate deployment alias `" + d.alias + "`");
        continue;
      }
      // The same alias from another file (or the same file given twice).
      auto earlier = std::find_if(out_.flows.begin(), out_.flows.end(),
                                  [&](const flow_instance& f) { return f.alias == d.alias; });
      if (earlier != out_.flows.end()) {
        const auto& at = earlier->span;
        diags().error(d.span, "Flow `" + d.alias + "` is deployed twice",
                      "first deployed at " + (at.file ? at.file->name : std::string("?")) + ":" +
                        std::to_string(at.begin.line) + ":" + std::to_string(at.begin.column) +
                        "; give one of them another alias (`deploy flow other from " + d.alias +
                        "`)");
        continue;
      }
      seen.push_back(d.alias);
      const scope* owner = nullptr;
      std::vector<std::pair<const scope_items*, const scope*>> local{{&root.items, rs}};
      auto fd = loader_.find_def<flow_def>(
        d.from, *rs, local, [](const scope_items& i) -> const auto& { return i.flows; }, owner);
      if (!fd) {
        std::vector<std::string> names;
        for (auto& f : root.items.flows)
          names.push_back(f->name);
        std::string defined;
        for (const auto& n : names)
          defined += (defined.empty() ? " " : ", ") + n;
        diags().error(d.from.span,
                      "Artefact `" + join(d.from) + "` is not defined or not found, the following "
                      "are defined:" + defined,
                      d.from.path.empty() ? unknown_name_hint(d.from.name, names) : "");
        continue;
      }
      for (auto& w : d.with)
        bind_once(*w.val, *rs, loader_);
      value args;
      value no_args{record{}};
      bind_defaults(loader_, fd->args, *owner);
      if (!resolve_args(fd->args, d.with, no_args, d.span, diags(), args, d.alias))
        continue;
      instantiate(*fd, owner, d, std::move(args));
    }
  }

private:
  // A connector definition's `with` takes only the settings Tremor knows,
  // deployed or not.
  void check_connector_definitions(const scope_items& items) {
    for (const auto& cd : items.connectors) {
      checked_definitions_.insert(cd.get());
      for (const auto& w : cd->with)
        if (!known_connector_setting(w.name))
          report_unknown_setting(*cd, w);
    }
  }

  static bool known_connector_setting(const std::string& name) {
    return std::find_if(std::begin(connector_settings), std::end(connector_settings),
                        [&](const char* k) { return name == k; }) != std::end(connector_settings);
  }

  // Tremor's text; Tremor 0.12 itself ignored such keys, so a typo such as
  // `preprocessor` silently did nothing.
  void report_unknown_setting(const connector_def& cd, const with_entry& w) {
    diags().error(w.span,
                  "Invalid `with` parameter \"" + w.name + "\" in definition of connector \"" +
                    cd.name + "\".",
                  "Available parameters are: codec, config, metrics_interval_s, "
                  "postprocessors, preprocessors, reconnect");
  }

  std::set<const void*> checked_definitions_;

  static constexpr const char* connector_settings[] = {
    "codec", "config", "preprocessors", "postprocessors", "reconnect", "metrics_interval_s"};

  static std::string join(const mod_target& t) {
    std::string s;
    for (auto& p : t.path)
      s += p + "::";
    return s + t.name;
  }

  diagnostics& diags() { return loader_.diags(); }

  scope* flow_scope(flow_def& f, const scope* owner) {
    auto store = loader_.store();
    auto it = store->def_scopes.find(&f);
    if (it != store->def_scopes.end())
      return it->second;
    scope* s = loader_.make_scope(f.items, owner);
    store->def_scopes[&f] = s;
    return s;
  }

  const scope_items* items_of(const scope* s) {
    for (auto& [k, m] : loader_.store()->modules)
      if (m && m->sc == s)
        return &m->ast->items;
    return nullptr;
  }

  void instantiate(flow_def& f, const scope* owner, const deploy_stmt& d, value args) {
    flow_instance inst;
    inst.alias = d.alias;
    inst.span = d.span;
    scope* fs = flow_scope(f, owner);
    std::vector<std::pair<const scope_items*, const scope*>> local{{&f.items, fs}};
    if (const scope_items* mi = items_of(owner))
      local.emplace_back(mi, owner);

    std::vector<std::string>& aliases = created_;
    aliases.clear();
    for (auto& c : f.creates) {
      if (std::find(aliases.begin(), aliases.end(), c.alias) != aliases.end()) {
        diags().error(c.span, "Duplicate alias `" + c.alias + "` in flow `" + f.name + "`");
        continue;
      }
      aliases.push_back(c.alias);
      for (auto& w : c.with)
        bind_once(*w.val, *fs, loader_);
      if (c.what == "connector") {
        const scope* cowner = nullptr;
        auto cd = loader_.find_def<connector_def>(
          c.from, *fs, local, [](const scope_items& i) -> const auto& { return i.connectors; },
          cowner);
        if (!cd) {
          if (!loader_.failed(*fs, c.from.path))
            diags().error(c.from.span, "Unknown connector `" + join(c.from) + "`",
                          c.from.path.empty() ? hint_for(c.from.name, local, true) : "");
          continue;
        }
        value cargs;
        bind_defaults(loader_, cd->args, *cowner);
        if (!resolve_args(cd->args, c.with, args, c.span, diags(), cargs, c.alias))
          continue;
        record with;
        bool ok = true;
        for (auto& w : cd->with) {
          bind_once(*w.val, *cowner, loader_);
          value v;
          if (!eval_const(*w.val, &cargs, v, diags())) {
            ok = false;
            continue;
          }
          if (!known_connector_setting(w.name)) {
            // Definitions outside the deployed file were not checked above.
            if (!checked_definitions_.count(cd.get()))
              report_unknown_setting(*cd, w);
            ok = false;
            continue;
          }
          with.set(w.name, std::move(v));
        }
        if (!ok)
          continue;
        connector_instance ci;
        ci.alias = c.alias;
        ci.type = cd->type;
        ci.type_span = cd->type_span;
        ci.span = c.span;
        ci.with = value(std::move(with));
        check_with_types(ci.with, cd->with, diags());
        inst.connectors.push_back(std::move(ci));
      } else if (c.what == "pipeline") {
        const scope* powner = nullptr;
        auto pd = loader_.find_def<pipeline_def>(
          c.from, *fs, local, [](const scope_items& i) -> const auto& { return i.pipelines; },
          powner);
        if (!pd) {
          if (!loader_.failed(*fs, c.from.path))
            diags().error(c.from.span, "Unknown pipeline `" + join(c.from) + "`",
                          c.from.path.empty() ? hint_for(c.from.name, local, false) : "");
          continue;
        }
        value pargs;
        bind_defaults(loader_, pd->args, *powner);
        if (!resolve_args(pd->args, c.with, args, c.span, diags(), pargs, c.alias))
          continue;
        auto prog = compile_pipeline(loader_, pd, powner, std::move(pargs));
        if (!prog)
          continue;
        pipeline_instance pi;
        pi.alias = c.alias;
        pi.program = prog;
        pi.in_ports = prog->in_ports;
        pi.out_ports = prog->out_ports;
        if (std::find(pi.out_ports.begin(), pi.out_ports.end(), "err") == pi.out_ports.end())
          pi.out_ports.push_back("err");
        prog->out_ports = pi.out_ports;
        pi.span = c.span;
        inst.pipelines.push_back(std::move(pi));
      } else {
        diags().error(c.span, "`create " + c.what + "` is only allowed inside a pipeline");
      }
    }

    for (auto& cn : f.connects) {
      connection conn;
      bool ok = endpoint_of(cn.from, inst, true, conn.from);
      ok = endpoint_of(cn.to, inst, false, conn.to) && ok;
      if (!ok)
        continue;
      if (conn.from.node == endpoint::kind::connector && conn.to.node == endpoint::kind::connector) {
        diags().error(cn.span, "A connector can't be connected to a connector directly",
                      "connect it to a pipeline, such as tremor::pipelines::passthrough");
        continue;
      }
      inst.connections.push_back(std::move(conn));
    }
    out_.flows.push_back(std::move(inst));
  }

  std::string hint_for(const std::string& name,
                       const std::vector<std::pair<const scope_items*, const scope*>>& local,
                       bool connectors) {
    std::vector<std::string> names;
    for (const auto& [items, sc] : local) {
      if (connectors)
        for (auto& c : items->connectors)
          names.push_back(c->name);
      else
        for (auto& p : items->pipelines)
          names.push_back(p->name);
    }
    std::string h = closest_name(name, names);
    return h.empty() ? std::string() : "did you mean `" + h + "`?";
  }

  bool endpoint_of(const connect_end& e, const flow_instance& inst, bool source, endpoint& out) {
    out.alias = e.alias;
    out.span = e.span;
    out.port = e.port.empty() ? (source ? "out" : "in") : e.port;
    std::vector<std::string> names;
    if (e.what == "connector") {
      out.node = endpoint::kind::connector;
      for (auto& c : inst.connectors) {
        if (c.alias == e.alias)
          return true;
        names.push_back(c.alias);
      }
      // A create that failed was reported already.
      if (std::find(created_.begin(), created_.end(), e.alias) == created_.end())
        diags().error(e.span, "Unknown connector `" + e.alias + "` in `connect`",
                      hint(e.alias, names));
      return false;
    }
    out.node = endpoint::kind::pipeline;
    for (auto& p : inst.pipelines) {
      if (p.alias == e.alias) {
        const auto& ports = source ? p.out_ports : p.in_ports;
        if (std::find(ports.begin(), ports.end(), out.port) == ports.end()) {
          diags().error(e.span,
                        "Pipeline `" + e.alias + "` has no " + (source ? "output" : "input") +
                          " port `" + out.port + "`",
                        unknown_name_hint(out.port, ports));
          return false;
        }
        return true;
      }
      names.push_back(p.alias);
    }
    if (std::find(created_.begin(), created_.end(), e.alias) == created_.end())
      diags().error(e.span, "Unknown pipeline `" + e.alias + "` in `connect`",
                    hint(e.alias, names));
    return false;
  }

  static std::string hint(const std::string& name, const std::vector<std::string>& names) {
    std::string h = closest_name(name, names);
    return h.empty() ? std::string() : "did you mean `" + h + "`?";
  }

  module_loader& loader_;
  deployment& out_;
  std::vector<std::string> created_; ///< aliases of the flow being built
};

} // namespace

std::vector<std::string> module_path_from_env() {
  const char* env = std::getenv("TREMOR_PATH");
  std::string raw = env ? env : "/usr/local/share/tremor:/usr/share/tremor/lib";
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t c = raw.find(':', start);
    std::string dir = raw.substr(start, c == std::string::npos ? std::string::npos : c - start);
    if (!dir.empty()) {
      char buf[PATH_MAX];
      if (::realpath(dir.c_str(), buf) && is_dir(buf))
        out.emplace_back(buf);
    }
    if (c == std::string::npos)
      break;
    start = c + 1;
  }
  return out;
}

bool load_troy_file(const std::string& path, const load_options& options, deployment& out,
                    diagnostics& diags) {
  std::string text;
  if (!read_file(path, text)) {
    diags.error_without_span("Could not read `" + path + "`");
    return false;
  }
  return load_troy_source(path, std::move(text), options, out, diags);
}

bool load_troy_source(const std::string& name, std::string text, const load_options& options,
                      deployment& out, diagnostics& diags) {
  auto file = std::make_shared<source_file>(source_file{name, std::move(text)});
  auto errors = [&] {
    return std::count_if(diags.all().begin(), diags.all().end(),
                         [](const diagnostic& x) { return x.level == severity::error; });
  };
  auto before = errors();
  bool ok = true;
  auto ast = parse(file, parse_mode::troy, diags, ok);
  if (!ok)
    return false;
  module_loader loader(options.module_path, diags);
  deployer d(loader, out);
  module_ast& root = *ast;
  loader.store()->roots.push_back(std::move(ast));
  d.run(root, file);
  return errors() == before;
}

} // namespace temblor::dsl
