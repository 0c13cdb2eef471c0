// Minimal SVG writer for the report's plots: a canvas of primitives, a plot frame that maps data to
// pixels, "nice" axis ticks and a legend. Pure C++, no SimGrid; the plots themselves are in
// plots.hpp. Output is deterministic text (fixed number formatting), so equal inputs give equal
// files.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace trainsim::report::svg {

// Escapes &, <, >, " and ' for XML text and attribute values.
std::string esc(const std::string& s);

// Compact number for coordinates and labels: at most `digits` significant digits, no exponent for
// ordinary magnitudes, no trailing zeros ("12.5", "0.25", "1200").
std::string num(double v, int digits = 5);

// About `target` round tick values (1, 2, 5 x 10^k steps) covering [lo, hi].
// REQUIRES: lo <= hi, target >= 2.
std::vector<double> nice_ticks(double lo, double hi, int target);

class Canvas {
 public:
  Canvas(double width_px, double height_px, std::string title);

  // `tip` becomes a <title> child: the tooltip a browser shows on hover.
  void rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip = "");
  void line(double x1, double y1, double x2, double y2, const std::string& stroke, double width = 1,
            const std::string& dash = "");
  // anchor: start | middle | end. `rotate` in degrees around (x, y).
  void text(double x, double y, const std::string& s, const std::string& anchor = "start", double size = 12,
            double rotate = 0, const std::string& weight = "normal");
  // A path `d` (SVG path data).
  void path(const std::string& d, const std::string& fill, const std::string& stroke, double width = 1,
            double opacity = 1);

  // Number of drawn elements (rect, line, text, path) so far.
  int elements() const { return elements_; }
  // The complete document: <svg xmlns=... viewBox=...> with a <title>, the elements, </svg>.
  std::string str() const;

 private:
  double width_, height_;
  std::string title_;
  std::string body_;
  int elements_ = 0;
};

// A plot area in pixels and the data ranges it shows.
struct Frame {
  double left = 0, top = 0, width = 0, height = 0;  // px
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;            // data
  double px(double x) const;                        // data -> px, clamped to the frame
  double py(double y) const;                        // y grows upwards
};

// Frame border, ticks with labels, light grid lines and the two axis titles (which carry the
// units, e.g. "time since job start (days)").
void axes(Canvas& c, const Frame& f, const std::vector<double>& xticks, const std::vector<double>& yticks,
          const std::string& xlabel, const std::string& ylabel);

// One row of colour swatches and labels starting at (x, y); wraps at `max_width` px.
void legend(Canvas& c, double x, double y, const std::vector<std::pair<std::string, std::string>>& items,
            double max_width);

}  // namespace trainsim::report::svg
