/// How a legend entry shows its mark.
enum LegendSymbol {
    /// A short line, dashed by `dash` (an SVG `stroke-dasharray`), with a dot when `marker`.
    case line(dash: String?, marker: Bool)
    /// A dot, as in a scatter plot.
    case dot
    /// A filled square, as for a bar.
    case box
}

/// One row of a legend.
struct LegendEntry {
    var label: String
    var color: RGBColor
    var symbol: LegendSymbol
}

/// A box of labelled symbols, sized from its text.
struct Legend {
    let entries: [LegendEntry]
    let fontSize: Double

    var padding: Double { fontSize * 0.5 }
    var rowHeight: Double { fontSize * 1.45 }
    var symbolWidth: Double { fontSize * 1.9 }
    /// The gap between the axes box and an outside legend.
    var outsideGap: Double { fontSize }

    var width: Double {
        2 * padding + symbolWidth + fontSize * 0.5 + TextMetrics.maximumWidth(entries.map(\.label), fontSize: fontSize)
    }

    var height: Double { 2 * padding + Double(entries.count) * rowHeight }

    /// The right-margin width an outside legend needs (0 when it goes elsewhere or is empty).
    func rightReserve(for placement: LegendPlacement) -> Double {
        placement == .outsideRight && !entries.isEmpty ? outsideGap + width : 0
    }

    /// Draws the legend at `placement` relative to the axes box `plot`.
    func draw(into canvas: inout SVGCanvas, placement: LegendPlacement, plot: Rect) {
        guard !entries.isEmpty else { return }
        let inset = fontSize * 0.6
        let origin: (x: Double, y: Double)
        switch placement {
        case .hidden: return
        case .outsideRight: origin = (plot.maxX + outsideGap, plot.minY)
        case .topLeft: origin = (plot.minX + inset, plot.minY + inset)
        case .topRight: origin = (plot.maxX - inset - width, plot.minY + inset)
        case .bottomLeft: origin = (plot.minX + inset, plot.maxY - inset - height)
        case .bottomRight: origin = (plot.maxX - inset - width, plot.maxY - inset - height)
        }
        let box = Rect(x: origin.x, y: origin.y, width: width, height: height)
        if placement != .outsideRight {
            canvas.element("rect", [
                "x": canvas.number(box.x), "y": canvas.number(box.y), "width": canvas.number(box.width),
                "height": canvas.number(box.height), "fill": "#ffffff", "fill-opacity": "0.85",
                "stroke": "#cccccc", "rx": canvas.number(fontSize * 0.25),
            ])
        }
        for (index, entry) in entries.enumerated() {
            let middle = box.minY + padding + (Double(index) + 0.5) * rowHeight
            let left = box.minX + padding
            switch entry.symbol {
            case let .line(dash, marker):
                canvas.line(from: (left, middle), to: (left + symbolWidth, middle), stroke: entry.color,
                            width: 2, dash: dash)
                if marker {
                    canvas.element("circle", ["cx": canvas.number(left + symbolWidth / 2), "cy": canvas.number(middle),
                                              "r": canvas.number(fontSize * 0.25), "fill": entry.color.hexString])
                }
            case .dot:
                canvas.element("circle", ["cx": canvas.number(left + symbolWidth / 2), "cy": canvas.number(middle),
                                          "r": canvas.number(fontSize * 0.32), "fill": entry.color.hexString])
            case .box:
                let side = fontSize * 0.8
                canvas.rectangle(Rect(x: left + (symbolWidth - side) / 2, y: middle - side / 2, width: side, height: side),
                                 fill: entry.color)
            }
            canvas.text(entry.label, x: left + symbolWidth + fontSize * 0.5, y: middle, baseline: .middle)
        }
    }
}
