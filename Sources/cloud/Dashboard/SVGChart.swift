import Foundation

/// Small inline SVG charts the server draws, so a page needs no script library: lines of numbers
/// over time, coloured by the page's CSS classes. Everything written into the SVG is a number the
/// server computed, or text escaped here.
struct SVGChart: Sendable {
    struct Series: Sendable {
        /// Shown in the legend and the line's tooltip.
        var name: String
        /// A CSS class (`canary`, `baseline`, `ok`, ...) that colours the line.
        var style: String
        var points: [(x: Double, y: Double)]
        /// Steps (a count that changes at instants) rather than straight segments.
        var steps = false
    }

    var width = 240
    var height = 60
    /// A level to draw across the chart (a check's bound).
    var limit: Double?
    /// Where vertical marks go (waves starting), on the x axis.
    var marks: [Double] = []
    /// What the chart says to a screen reader.
    var title: String

    /// The chart, or nil when there is nothing to draw.
    func render(_ series: [Series]) -> String? {
        let all = series.flatMap(\.points)
        guard !all.isEmpty else { return nil }
        let xs = all.map(\.x) + marks
        let ys = all.map(\.y) + (limit.map { [$0] } ?? [])
        let (minX, maxX) = (xs.min()!, xs.max()!)
        var (minY, maxY) = (min(0, ys.min()!), ys.max()!)
        if maxY == minY { maxY = minY + 1 }
        let pad = 2.0
        func px(_ x: Double) -> Double { maxX == minX ? Double(width) / 2 : pad + (x - minX) / (maxX - minX) * (Double(width) - 2 * pad) }
        func py(_ y: Double) -> Double { Double(height) - pad - (y - minY) / (maxY - minY) * (Double(height) - 2 * pad) }
        var body = "<title>\(Self.escaped(title))</title>"
        for mark in marks {
            body += "<line class=\"mark\" x1=\"\(Self.n(px(mark)))\" y1=\"0\" x2=\"\(Self.n(px(mark)))\" y2=\"\(height)\"/>"
        }
        if let limit {
            body += "<line class=\"limit\" x1=\"0\" y1=\"\(Self.n(py(limit)))\" x2=\"\(width)\" y2=\"\(Self.n(py(limit)))\"/>"
        }
        for line in series where !line.points.isEmpty {
            var coordinates: [String] = []
            for (index, point) in line.points.enumerated() {
                if line.steps, index > 0 { coordinates.append("\(Self.n(px(point.x))),\(Self.n(py(line.points[index - 1].y)))") }
                coordinates.append("\(Self.n(px(point.x))),\(Self.n(py(point.y)))")
            }
            body +=
                "<polyline class=\"\(Self.escaped(line.style))\" points=\"\(coordinates.joined(separator: " "))\"><title>\(Self.escaped(line.name))</title></polyline>"
        }
        return "<svg class=\"chart\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
            + "xmlns=\"http://www.w3.org/2000/svg\">\(body)</svg>"
    }

    /// A horizontal bar of shares (a count per CSS class), as wide as its container: drawn in SVG,
    /// since the page's Content-Security-Policy allows no inline styles to size HTML boxes.
    static func bar(_ parts: [(style: String, count: Int)], title: String) -> String {
        let total = Double(max(parts.reduce(0) { $0 + $1.count }, 1))
        var x = 0.0
        var rects = "<title>\(escaped(title))</title>"
        for part in parts where part.count > 0 {
            let width = Double(part.count) * 100 / total
            rects += "<rect class=\"\(escaped(part.style))\" x=\"\(n(x))\" y=\"0\" width=\"\(n(width))\" height=\"4\"/>"
            x += width
        }
        return
            "<svg class=\"bar\" role=\"img\" viewBox=\"0 0 100 4\" preserveAspectRatio=\"none\" xmlns=\"http://www.w3.org/2000/svg\">\(rects)</svg>"
    }

    private static func n(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
