#include "dsl/aggregates.hpp"

#include <algorithm>
#include <cmath>

namespace temblor::dsl {

namespace {

bool number_arg(const value& v, double& d, std::string& err, const char* fn) {
  if (!v.get_f64(d)) {
    err = std::string(fn) + " expects a number";
    return false;
  }
  return true;
}

class count_aggr : public aggregator {
public:
  bool update(const std::vector<value>&, std::string&) override {
    ++n_;
    return true;
  }
  void merge(const aggregator& o) override { n_ += static_cast<const count_aggr&>(o).n_; }
  value result() const override { return value(static_cast<unsigned long long>(n_)); }
  std::unique_ptr<aggregator> fresh() const override { return std::make_unique<count_aggr>(); }

private:
  uint64_t n_ = 0;
};

class extreme_aggr : public aggregator {
public:
  explicit extreme_aggr(bool max) : max_(max) {}
  bool update(const std::vector<value>& a, std::string& err) override {
    double d = 0;
    if (!number_arg(a[0], d, err, max_ ? "aggr::stats::max" : "aggr::stats::min"))
      return false;
    take(a[0]);
    return true;
  }
  void merge(const aggregator& o) override {
    const auto& x = static_cast<const extreme_aggr&>(o);
    if (x.has_)
      take(x.best_);
  }
  value result() const override { return has_ ? best_ : value(); }
  std::unique_ptr<aggregator> fresh() const override {
    return std::make_unique<extreme_aggr>(max_);
  }

private:
  void take(const value& v) {
    if (!has_ || (max_ ? compare(v, best_) > 0 : compare(v, best_) < 0))
      best_ = v;
    has_ = true;
  }
  bool max_;
  bool has_ = false;
  value best_;
};

class sum_aggr : public aggregator {
public:
  bool update(const std::vector<value>& a, std::string& err) override {
    int64_t i = 0;
    if (a[0].is_integer() && a[0].get_i64(i) && all_int_) {
      if (__builtin_add_overflow(isum_, i, &isum_)) {
        all_int_ = false;
        fsum_ = static_cast<double>(isum_) + static_cast<double>(i);
        return true;
      }
      fsum_ += static_cast<double>(i);
      return true;
    }
    double d = 0;
    if (!number_arg(a[0], d, err, "aggr::stats::sum"))
      return false;
    all_int_ = false;
    fsum_ += d;
    return true;
  }
  void merge(const aggregator& o) override {
    const auto& x = static_cast<const sum_aggr&>(o);
    all_int_ = all_int_ && x.all_int_;
    isum_ += x.isum_;
    fsum_ += x.fsum_;
  }
  value result() const override {
    return all_int_ ? value(static_cast<long long>(isum_)) : value(fsum_);
  }
  std::unique_ptr<aggregator> fresh() const override { return std::make_unique<sum_aggr>(); }

private:
  bool all_int_ = true;
  int64_t isum_ = 0;
  double fsum_ = 0;
};

// Keeps every sample: mean/var/stdev/percentiles are exact.
class samples_aggr : public aggregator {
public:
  enum class kind { mean, var, stdev, hdr };
  samples_aggr(kind k, std::vector<double> percentiles)
    : k_(k), percentiles_(std::move(percentiles)) {}
  bool update(const std::vector<value>& a, std::string& err) override {
    double d = 0;
    if (!number_arg(a[0], d, err, "aggr::stats"))
      return false;
    xs_.push_back(d);
    return true;
  }
  void merge(const aggregator& o) override {
    const auto& x = static_cast<const samples_aggr&>(o);
    xs_.insert(xs_.end(), x.xs_.begin(), x.xs_.end());
  }
  value result() const override {
    size_t n = xs_.size();
    double mean = 0;
    for (double x : xs_)
      mean += x;
    mean = n ? mean / static_cast<double>(n) : 0;
    double var = 0;
    for (double x : xs_)
      var += (x - mean) * (x - mean);
    var = n > 1 ? var / static_cast<double>(n - 1) : 0;
    switch (k_) {
      case kind::mean: return value(mean);
      case kind::var: return value(var);
      case kind::stdev: return value(std::sqrt(var));
      case kind::hdr: break;
    }
    std::vector<double> sorted = xs_;
    std::sort(sorted.begin(), sorted.end());
    record r;
    r.set("count", value(static_cast<unsigned long long>(n)));
    r.set("min", n ? value(sorted.front()) : value());
    r.set("max", n ? value(sorted.back()) : value());
    r.set("mean", value(mean));
    r.set("stdev", value(std::sqrt(var)));
    r.set("var", value(var));
    record p;
    for (double q : percentiles_) {
      char key[32];
      std::snprintf(key, sizeof(key), "%g", q);
      if (!n) {
        p.set(key, value());
        continue;
      }
      size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
      rank = std::min(std::max<size_t>(rank, 1), n);
      p.set(key, value(sorted[rank - 1]));
    }
    r.set("percentiles", value(std::move(p)));
    return value(std::move(r));
  }
  std::unique_ptr<aggregator> fresh() const override {
    return std::make_unique<samples_aggr>(k_, percentiles_);
  }

private:
  kind k_;
  std::vector<double> percentiles_;
  std::vector<double> xs_;
};

class pick_aggr : public aggregator {
public:
  explicit pick_aggr(bool first) : first_(first) {}
  bool update(const std::vector<value>& a, std::string&) override {
    if (!first_ || !has_)
      v_ = a[0];
    has_ = true;
    return true;
  }
  void merge(const aggregator& o) override {
    const auto& x = static_cast<const pick_aggr&>(o);
    if (x.has_ && (!first_ || !has_)) {
      v_ = x.v_;
      has_ = true;
    }
  }
  value result() const override { return v_; }
  std::unique_ptr<aggregator> fresh() const override { return std::make_unique<pick_aggr>(first_); }

private:
  bool first_;
  bool has_ = false;
  value v_;
};

class collect_aggr : public aggregator {
public:
  explicit collect_aggr(bool nested) : nested_(nested) {}
  bool update(const std::vector<value>& a, std::string&) override {
    items_.push_back(a[0]);
    return true;
  }
  void merge(const aggregator& o) override {
    const auto& x = static_cast<const collect_aggr&>(o);
    if (nested_)
      items_.push_back(value(x.items_));
    else
      items_.insert(items_.end(), x.items_.begin(), x.items_.end());
  }
  value result() const override { return value(items_); }
  std::unique_ptr<aggregator> fresh() const override {
    return std::make_unique<collect_aggr>(nested_);
  }

private:
  bool nested_;
  array items_;
};

const std::vector<std::string>& names() {
  static const std::vector<std::string> n = {
    "stats::count", "stats::min",  "stats::max",   "stats::sum",   "stats::mean",
    "stats::var",   "stats::stdev", "stats::hdr",  "stats::dds",   "win::first",
    "win::last",    "win::collect_flattened",      "win::collect_nested"};
  return n;
}

} // namespace

bool is_aggregate(const std::string& name) {
  return std::find(names().begin(), names().end(), name) != names().end();
}

std::unique_ptr<aggregator> make_aggregator(const std::string& name, size_t nargs,
                                            std::string& err) {
  bool hdr = name == "stats::hdr" || name == "stats::dds";
  if (nargs != 1 && !(hdr && nargs == 2)) {
    err = "aggr::" + name + " takes " + (hdr ? "1 or 2 arguments" : "1 argument");
    return nullptr;
  }
  if (name == "stats::count")
    return std::make_unique<count_aggr>();
  if (name == "stats::min" || name == "stats::max")
    return std::make_unique<extreme_aggr>(name == "stats::max");
  if (name == "stats::sum")
    return std::make_unique<sum_aggr>();
  if (name == "stats::mean")
    return std::make_unique<samples_aggr>(samples_aggr::kind::mean, std::vector<double>{});
  if (name == "stats::var")
    return std::make_unique<samples_aggr>(samples_aggr::kind::var, std::vector<double>{});
  if (name == "stats::stdev")
    return std::make_unique<samples_aggr>(samples_aggr::kind::stdev, std::vector<double>{});
  if (hdr)
    return std::make_unique<samples_aggr>(
      samples_aggr::kind::hdr, std::vector<double>{0.5, 0.9, 0.95, 0.99, 0.999, 0.9999});
  if (name == "win::first" || name == "win::last")
    return std::make_unique<pick_aggr>(name == "win::first");
  if (name == "win::collect_flattened" || name == "win::collect_nested")
    return std::make_unique<collect_aggr>(name == "win::collect_nested");
  err = "Unknown aggregate function aggr::" + name;
  return nullptr;
}

} // namespace temblor::dsl
