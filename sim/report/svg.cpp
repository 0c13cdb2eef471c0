#include "sim/report/svg.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace trainsim::report::svg {

std::string esc(const std::string& s) {
  std::string o;
  o.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        o += "&amp;";
        break;
      case '<':
        o += "&lt;";
        break;
      case '>':
        o += "&gt;";
        break;
      case '"':
        o += "&quot;";
        break;
      case '\'':
        o += "&apos;";
        break;
      default:
        o += ch;
    }
  }
  return o;
}

std::string num(double v, int digits) {
  if (!std::isfinite(v)) return "0";
  if (std::fabs(v) < 1e-9) return "0";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  std::string s = buf;
  if (s.find('e') != std::string::npos) {  // large or tiny: fixed notation, trimmed
    std::snprintf(buf, sizeof buf, "%.6f", v);
    s = buf;
  }
  if (s.find('.') != std::string::npos) {
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
  }
  return s;
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo)) hi = lo + 1;
  const double raw = (hi - lo) / std::max(1, target - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    step = m * mag;
    if (step >= raw) break;
  }
  std::vector<double> t;
  for (double v = std::ceil(lo / step - 1e-9) * step; v <= hi + 1e-9 * step; v += step)
    t.push_back(std::fabs(v) < 1e-12 * step ? 0.0 : v);
  return t;
}

Canvas::Canvas(double width_px, double height_px, std::string title)
    : width_(width_px), height_(height_px), title_(std::move(title)) {}

void Canvas::rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip) {
  body_ += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(w, 0.0)) +
           "\" height=\"" + num(std::max(h, 0.0)) + "\" fill=\"" + fill + "\"";
  body_ += tip.empty() ? "/>\n" : "><title>" + esc(tip) + "</title></rect>\n";
  ++elements_;
}

void Canvas::line(double x1, double y1, double x2, double y2, const std::string& stroke, double width,
                  const std::string& dash) {
  body_ += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
           "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\"";
  if (!dash.empty()) body_ += " stroke-dasharray=\"" + dash + "\"";
  body_ += "/>\n";
  ++elements_;
}

void Canvas::text(double x, double y, const std::string& s, const std::string& anchor, double size,
                  double rotate, const std::string& weight) {
  body_ += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(size) + "\" text-anchor=\"" +
           anchor + "\"";
  if (weight != "normal") body_ += " font-weight=\"" + weight + "\"";
  if (rotate != 0) body_ += " transform=\"rotate(" + num(rotate) + " " + num(x) + " " + num(y) + ")\"";
  body_ += ">" + esc(s) + "</text>\n";
  ++elements_;
}

void Canvas::path(const std::string& d, const std::string& fill, const std::string& stroke, double width,
                  double opacity) {
  body_ += "<path d=\"" + d + "\" fill=\"" + fill + "\" stroke=\"" + stroke + "\" stroke-width=\"" +
           num(width) + "\"";
  if (opacity < 1) body_ += " opacity=\"" + num(opacity) + "\"";
  body_ += "/>\n";
  ++elements_;
}

std::string Canvas::str() const {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width_) + "\" height=\"" + num(height_) +
         "\" viewBox=\"0 0 " + num(width_) + " " + num(height_) +
         "\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n<title>" + esc(title_) +
         "</title>\n<rect x=\"0\" y=\"0\" width=\"" + num(width_) + "\" height=\"" + num(height_) +
         "\" fill=\"white\"/>\n" + body_ + "</svg>\n";
}

double Frame::px(double x) const {
  const double u = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
  return left + width * std::clamp(u, 0.0, 1.0);
}

double Frame::py(double y) const {
  const double u = y1 > y0 ? (y - y0) / (y1 - y0) : 0;
  return top + height * (1.0 - std::clamp(u, 0.0, 1.0));
}

void axes(Canvas& c, const Frame& f, const std::vector<double>& xticks, const std::vector<double>& yticks,
          const std::string& xlabel, const std::string& ylabel) {
  const double bottom = f.top + f.height, right = f.left + f.width;
  for (double t : xticks) {
    if (t < f.x0 - 1e-9 || t > f.x1 + 1e-9) continue;
    const double x = f.px(t);
    c.line(x, f.top, x, bottom, "#e0e0e0", 0.5);
    c.line(x, bottom, x, bottom + 4, "#333");
    c.text(x, bottom + 16, num(t, 4), "middle", 11);
  }
  for (double t : yticks) {
    if (t < f.y0 - 1e-9 || t > f.y1 + 1e-9) continue;
    const double y = f.py(t);
    c.line(f.left, y, right, y, "#e0e0e0", 0.5);
    c.line(f.left - 4, y, f.left, y, "#333");
    c.text(f.left - 7, y + 4, num(t, 4), "end", 11);
  }
  c.line(f.left, f.top, f.left, bottom, "#333");
  c.line(f.left, bottom, right, bottom, "#333");
  c.text(f.left + f.width / 2, bottom + 34, xlabel, "middle", 12);
  if (!ylabel.empty()) c.text(f.left - 48, f.top + f.height / 2, ylabel, "middle", 12, -90);
}

void legend(Canvas& c, double x, double y, const std::vector<std::pair<std::string, std::string>>& items,
            double max_width) {
  double cx = x, cy = y;
  for (const auto& [colour, label] : items) {
    const double w = 18 + 7.0 * static_cast<double>(label.size()) + 14;
    if (cx + w > x + max_width && cx > x) {
      cx = x;
      cy += 18;
    }
    c.rect(cx, cy - 10, 12, 12, colour);
    c.text(cx + 16, cy, label, "start", 11);
    cx += w;
  }
}

}  // namespace trainsim::report::svg
