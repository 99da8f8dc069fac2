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

// Tremor sums in floating point: the result is a float even for integers.
class sum_aggr : public aggregator {
public:
  bool update(const std::vector<value>& a, std::string& err) override {
    double d = 0;
    if (!number_arg(a[0], d, err, "aggr::stats::sum"))
      return false;
    sum_ += d;
    return true;
  }
  void merge(const aggregator& o) override { sum_ += static_cast<const sum_aggr&>(o).sum_; }
  value result() const override { return value(sum_); }
  std::unique_ptr<aggregator> fresh() const override { return std::make_unique<sum_aggr>(); }

private:
  double sum_ = 0;
};

// The percentiles hdr and dds report when the call names none.
const std::vector<std::string>& default_percentiles() {
  static const std::vector<std::string> p = {"0.5", "0.9", "0.95", "0.99", "0.999", "0.9999"};
  return p;
}

// Keeps every sample, so mean/var/stdev and percentiles are exact where
// Tremor's histograms approximate.
class samples_aggr : public aggregator {
public:
  enum class kind { mean, var, stdev, hdr, dds };
  explicit samples_aggr(kind k) : k_(k), percentiles_(default_percentiles()) {}
  bool update(const std::vector<value>& a, std::string& err) override {
    double d = 0;
    if (!number_arg(a[0], d, err, "aggr::stats"))
      return false;
    if (a.size() > 1 && !read_percentiles(a[1], err))
      return false;
    xs_.push_back(d);
    return true;
  }
  void merge(const aggregator& o) override {
    const auto& x = static_cast<const samples_aggr&>(o);
    xs_.insert(xs_.end(), x.xs_.begin(), x.xs_.end());
    if (x.percentiles_ != default_percentiles())
      percentiles_ = x.percentiles_;
  }
  value result() const override {
    size_t n = xs_.size();
    double mean = 0;
    for (double x : xs_)
      mean += x;
    double sum = mean;
    mean = n ? mean / static_cast<double>(n) : 0;
    double var = 0;
    for (double x : xs_)
      var += (x - mean) * (x - mean);
    var = n > 1 ? var / static_cast<double>(n - 1) : 0;
    switch (k_) {
      case kind::mean: return value(mean);
      case kind::var: return value(var);
      case kind::stdev: return value(std::sqrt(var));
      case kind::hdr:
      case kind::dds: break;
    }
    std::vector<double> sorted = xs_;
    std::sort(sorted.begin(), sorted.end());
    // hdr records whole numbers (Tremor's histogram holds u64s); dds keeps
    // floats.
    bool whole = k_ == kind::hdr;
    auto num = [whole](double d) {
      return whole ? value(static_cast<unsigned long long>(d < 0 ? 0 : std::llround(d))) : value(d);
    };
    record r;
    r.set("count", value(static_cast<unsigned long long>(n)));
    if (k_ == kind::dds)
      r.set("sum", value(sum));
    r.set("min", n ? num(sorted.front()) : num(0));
    r.set("max", n ? num(sorted.back()) : num(0));
    r.set("mean", value(mean));
    if (k_ == kind::hdr) {
      r.set("stdev", value(std::sqrt(var)));
      r.set("var", value(var));
    }
    record p;
    for (size_t i = 0; i < percentiles_.size(); ++i) {
      double q = quantiles_.empty() ? std::stod(percentiles_[i]) : quantiles_[i];
      if (!n) {
        p.set(percentiles_[i], num(0));
        continue;
      }
      // hdr: the smallest value with at least q of the samples at or
      // below it; dds: the sample at rank q·(n-1).
      size_t rank = whole ? static_cast<size_t>(std::ceil(q * static_cast<double>(n)))
                          : static_cast<size_t>(q * static_cast<double>(n - 1)) + 1;
      rank = std::min(std::max<size_t>(rank, 1), n);
      p.set(percentiles_[i], num(sorted[rank - 1]));
    }
    r.set("percentiles", value(std::move(p)));
    return value(std::move(r));
  }
  std::unique_ptr<aggregator> fresh() const override { return std::make_unique<samples_aggr>(k_); }

private:
  // The second argument: an array of percentiles as strings ("0.99"), which
  // also name the keys of the result.
  bool read_percentiles(const value& v, std::string& err) {
    if (!v.is_array()) {
      err = "Provided percentiles must be an array of strings";
      return false;
    }
    std::vector<std::string> names;
    std::vector<double> qs;
    for (const auto& x : v.as_array()) {
      const std::string* s = x.get_text();
      char* end = nullptr;
      double q = s ? std::strtod(s->c_str(), &end) : 0;
      if (!s || s->empty() || *end != 0 || q < 0 || q > 1) {
        err = "Provided percentile '" + (s ? *s : type_text(x)) + "' isn't a float between 0 and 1";
        return false;
      }
      names.push_back(*s);
      qs.push_back(q);
    }
    percentiles_ = std::move(names);
    quantiles_ = std::move(qs);
    return true;
  }
  static std::string type_text(const value& v) { return v.is_null() ? "null" : "a non-string"; }

  kind k_;
  std::vector<std::string> percentiles_;
  std::vector<double> quantiles_; ///< parsed percentiles_, once an argument set them
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

struct aggregate_kind {
  const char* name;
  size_t min_args, max_args;
};

// Tremor's aggregate functions and their arities.
const std::vector<aggregate_kind>& kinds() {
  static const std::vector<aggregate_kind> k = {
    {"stats::count", 0, 0}, {"stats::min", 1, 1},  {"stats::max", 1, 1},
    {"stats::sum", 1, 1},   {"stats::mean", 1, 1}, {"stats::var", 1, 1},
    {"stats::stdev", 1, 1}, {"stats::hdr", 1, 2},  {"stats::dds", 1, 2},
    {"win::first", 1, 1},   {"win::last", 1, 1},   {"win::collect_flattened", 1, 1},
    {"win::collect_nested", 1, 1}};
  return k;
}

const aggregate_kind* find_kind(const std::string& name) {
  for (const auto& k : kinds())
    if (name == k.name)
      return &k;
  return nullptr;
}

} // namespace

bool is_aggregate(const std::string& name) { return find_kind(name) != nullptr; }

std::unique_ptr<aggregator> make_aggregator(const std::string& name, size_t nargs,
                                            std::string& err) {
  const aggregate_kind* k = find_kind(name);
  if (!k) {
    err = "Unknown aggregate function aggr::" + name;
    return nullptr;
  }
  if (nargs < k->min_args || nargs > k->max_args) {
    err = "Bad arity for function " + name + "/" + std::to_string(k->min_args) + "..=" +
          std::to_string(k->max_args) + " but was called with " + std::to_string(nargs) +
          " arguments";
    return nullptr;
  }
  if (name == "stats::count")
    return std::make_unique<count_aggr>();
  if (name == "stats::min" || name == "stats::max")
    return std::make_unique<extreme_aggr>(name == "stats::max");
  if (name == "stats::sum")
    return std::make_unique<sum_aggr>();
  if (name == "stats::mean")
    return std::make_unique<samples_aggr>(samples_aggr::kind::mean);
  if (name == "stats::var")
    return std::make_unique<samples_aggr>(samples_aggr::kind::var);
  if (name == "stats::stdev")
    return std::make_unique<samples_aggr>(samples_aggr::kind::stdev);
  if (name == "stats::hdr")
    return std::make_unique<samples_aggr>(samples_aggr::kind::hdr);
  if (name == "stats::dds")
    return std::make_unique<samples_aggr>(samples_aggr::kind::dds);
  if (name == "win::first" || name == "win::last")
    return std::make_unique<pick_aggr>(name == "win::first");
  return std::make_unique<collect_aggr>(name == "win::collect_nested");
}

} // namespace temblor::dsl
