/// The points of one class in a ``ScatterPlot``.
public struct ScatterGroup: Sendable, Hashable {
    /// The class name shown in the legend.
    public var name: String
    /// The points. Points with a non-finite coordinate are skipped.
    public var points: [PlotPoint]
    /// The colour, or `nil` (the default) for the plot's palette colour at this group's position.
    public var color: RGBColor?

    /// A group named `name` of `points`.
    public init(name: String, points: [PlotPoint], color: RGBColor? = nil) {
        self.name = name
        self.points = points
        self.color = color
    }
}

/// The `sigmaCount`-σ contour of a 2-D Gaussian: the points at Mahalanobis distance `sigmaCount`
/// from `center` under `covariance` — for "EM finds the clusters" pictures of a mixture's components.
///
/// Drawn as a rotated SVG `<ellipse>` whose half-axes are `sigmaCount × √λ` along the covariance's
/// eigenvectors. (In 2-D the 1σ contour holds 39% of the Gaussian's mass, 2σ 86%, 3σ 99%.)
public struct CovarianceEllipse: Sendable, Hashable {
    /// The mean.
    public var center: PlotPoint
    /// Var(x), the covariance's top-left entry.
    public var varianceX: Double
    /// Cov(x, y), its off-diagonal entry.
    public var covarianceXY: Double
    /// Var(y), its bottom-right entry.
    public var varianceY: Double
    /// The Mahalanobis radius of the contour (default 2).
    public var sigmaCount: Double
    /// The ``ScatterGroup`` whose colour the ellipse takes (counted from 0), or `nil` for black.
    public var group: Int?
    /// Drawn dashed (for instance the initial components, before EM).
    public var dashed: Bool

    /// The contour of the Gaussian with mean `center` and the covariance [[`varianceX`,
    /// `covarianceXY`], [`covarianceXY`, `varianceY`]].
    public init(center: PlotPoint, varianceX: Double, covarianceXY: Double, varianceY: Double,
                sigmaCount: Double = 2, group: Int? = nil, dashed: Bool = false) {
        self.center = center
        self.varianceX = varianceX
        self.covarianceXY = covarianceXY
        self.varianceY = varianceY
        self.sigmaCount = sigmaCount
        self.group = group
        self.dashed = dashed
    }

    /// The contour of the Gaussian with mean `center` and the 2 × 2 `covariance` (row-major; the
    /// two off-diagonal entries are averaged).
    ///
    /// - Precondition: `covariance` is 2 × 2.
    public init(center: PlotPoint, covariance: [[Double]], sigmaCount: Double = 2, group: Int? = nil,
                dashed: Bool = false) {
        precondition(covariance.count == 2 && covariance.allSatisfy { $0.count == 2 },
                     "CovarianceEllipse: covariance must be 2 × 2 (got \(covariance.map(\.count)))")
        self.init(center: center, varianceX: covariance[0][0], covarianceXY: (covariance[0][1] + covariance[1][0]) / 2,
                  varianceY: covariance[1][1], sigmaCount: sigmaCount, group: group, dashed: dashed)
    }

    /// Whether the ellipse can be drawn: finite numbers, `sigmaCount` > 0, and a covariance that is
    /// positive semi-definite (up to rounding).
    var isDrawable: Bool {
        let numbers = [center.x, center.y, varianceX, covarianceXY, varianceY, sigmaCount]
        guard numbers.allSatisfy(\.isFinite), sigmaCount > 0, varianceX >= 0, varianceY >= 0 else { return false }
        let scale = max(varianceX, varianceY)
        return varianceX * varianceY - covarianceXY * covarianceXY >= -1e-9 * scale * scale
    }

    /// Half the width and height of the box around the contour: `sigmaCount × √Var`.
    var halfExtent: (x: Double, y: Double) {
        (sigmaCount * varianceX.squareRoot(), sigmaCount * varianceY.squareRoot())
    }
}

/// Points coloured by class, with optional Gaussian contours: data and the mixture EM fitted to it.
///
/// Axes span the points and the ellipses (5% extra each way) unless ``xRange`` / ``yRange`` are
/// set; points and ellipses with non-finite numbers, and ellipses whose covariance is not positive
/// semi-definite, are skipped. With ``equalAspect`` one unit is as long along y as along x, so that
/// round clusters look round; without it the ellipses are still exact, being transformed with the axes.
public struct ScatterPlot: SVGPlot {
    /// The classes of points, drawn in order.
    public var groups: [ScatterGroup]
    /// Contours drawn over the points.
    public var ellipses: [CovarianceEllipse]
    /// The title above the axes, if any.
    public var title: String?
    /// The label under the x axis, if any.
    public var xLabel: String?
    /// The label left of the y axis, if any.
    public var yLabel: String?
    /// The x axis's span, or `nil` (the default) to fit the data.
    public var xRange: ClosedRange<Double>?
    /// The y axis's span, or `nil` (the default) to fit the data.
    public var yRange: ClosedRange<Double>?
    /// Whether a data unit has the same length in pixels on both axes (default `false`); the axis
    /// with room to spare is widened about its centre.
    public var equalAspect: Bool
    /// The radius of each point, in pixels (default 3).
    public var pointRadius: Double
    /// The opacity of each point, 0…1 (default 0.7, so that dense regions look dense).
    public var pointOpacity: Double
    /// Where the legend goes (default right of the axes).
    public var legend: LegendPlacement
    /// Whether light grid lines cross the axes box at the ticks (default `true`).
    public var showsGrid: Bool
    /// Colours of groups without their own (default ``CategoricalPalette/tab10``).
    public var palette: CategoricalPalette
    /// The page.
    public var figure: Figure

    /// A scatter plot of `groups` with `ellipses` over them.
    ///
    /// - Precondition: `xRange` and `yRange`, when given, are finite and not empty; an ellipse's
    ///   `group` names one of `groups`.
    public init(groups: [ScatterGroup], ellipses: [CovarianceEllipse] = [], title: String? = nil,
                xLabel: String? = nil, yLabel: String? = nil, xRange: ClosedRange<Double>? = nil,
                yRange: ClosedRange<Double>? = nil, equalAspect: Bool = false, pointRadius: Double = 3,
                pointOpacity: Double = 0.7, legend: LegendPlacement = .outsideRight, showsGrid: Bool = true,
                palette: CategoricalPalette = .tab10, figure: Figure = Figure(width: 640, height: 520)) {
        self.groups = groups
        self.ellipses = ellipses
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xRange = xRange
        self.yRange = yRange
        self.equalAspect = equalAspect
        self.pointRadius = pointRadius
        self.pointOpacity = pointOpacity
        self.legend = legend
        self.showsGrid = showsGrid
        self.palette = palette
        self.figure = figure
    }

    /// Points given with a class index each: `points[i]` belongs to class `classes[i]`, named
    /// `classNames[classes[i]]` (e.g. the components EM assigned them to).
    ///
    /// - Precondition: `points.count == classes.count`, and every class index is in `classNames.indices`.
    public init(points: [PlotPoint], classes: [Int], classNames: [String], ellipses: [CovarianceEllipse] = [],
                title: String? = nil, xLabel: String? = nil, yLabel: String? = nil, equalAspect: Bool = false,
                figure: Figure = Figure(width: 640, height: 520)) {
        precondition(points.count == classes.count,
                     "ScatterPlot: \(points.count) points but \(classes.count) class indices")
        var members = [[PlotPoint]](repeating: [], count: classNames.count)
        for (point, index) in zip(points, classes) {
            precondition(classNames.indices.contains(index),
                         "ScatterPlot: class index \(index) is not in 0..<\(classNames.count)")
            members[index].append(point)
        }
        self.init(groups: zip(classNames, members).map { ScatterGroup(name: $0, points: $1) }, ellipses: ellipses,
                  title: title, xLabel: xLabel, yLabel: yLabel, equalAspect: equalAspect, figure: figure)
    }

    /// Draws the axes, the points, the ellipses (with a `+` at each centre) and the legend.
    public func render() -> SVGDocument {
        figure.checkValid()
        checkRange(xRange, "xRange")
        checkRange(yRange, "yRange")
        for ellipse in ellipses {
            if let group = ellipse.group {
                precondition(groups.indices.contains(group),
                             "ScatterPlot: an ellipse names group \(group) but there are \(groups.count) groups")
            }
        }
        let fontSize = figure.fontSize
        let drawable = ellipses.filter(\.isDrawable)
        let points = groups.flatMap(\.points).filter(\.isFinite)
        var xs = points.map(\.x), ys = points.map(\.y)
        for ellipse in drawable {
            let half = ellipse.halfExtent
            xs += [ellipse.center.x - half.x, ellipse.center.x + half.x]
            ys += [ellipse.center.y - half.y, ellipse.center.y + half.y]
        }
        let legendBox = Legend(entries: groups.enumerated().map { LegendEntry(label: $1.name, color: color(of: $0), symbol: .dot) },
                               fontSize: fontSize)
        let axes = ContinuousAxes(
            title: title, xLabel: xLabel, yLabel: yLabel,
            xRange: xRange ?? DataRange.padded(DataRange.extent(xs), fraction: 0.05),
            yRange: yRange ?? DataRange.padded(DataRange.extent(ys), fraction: 0.05),
            rightReserve: legendBox.rightReserve(for: legend), equalAspect: equalAspect)
        let layout = axes.layout(figure: figure)

        var canvas = SVGCanvas()
        layout.drawBackground(into: &canvas)
        if showsGrid { layout.drawGrid(into: &canvas, vertical: true, horizontal: true) }
        let clip = layout.clipPath(into: &canvas)
        canvas.beginGroup(["clip-path": clip])
        for (index, group) in groups.enumerated() {
            canvas.beginGroup(["fill": color(of: index).hexString,
                               "fill-opacity": pointOpacity < 1 ? NumberText.significant(pointOpacity, digits: 3) : nil])
            let radius = canvas.number(pointRadius)
            for point in group.points where point.isFinite {
                canvas.append(raw: "<circle cx=\"\(canvas.number(layout.x(point.x)))\" cy=\"\(canvas.number(layout.y(point.y)))\" r=\"\(radius)\"/>\n")
            }
            canvas.endGroup()
        }
        for ellipse in drawable {
            draw(ellipse, layout: layout, into: &canvas)
        }
        canvas.endGroup()
        layout.drawAxes(into: &canvas)
        legendBox.draw(into: &canvas, placement: legend, plot: layout.plot)
        return canvas.document(figure: figure, title: title)
    }

    private func color(of index: Int) -> RGBColor {
        groups[index].color ?? palette[index]
    }

    /// The contour in pixels: the covariance is carried to pixel space (Σ′ = S Σ S with
    /// S = diag(pixels per x unit, −pixels per y unit), the y axis pointing down), and its
    /// eigen-decomposition gives the half-axes and the `rotate` angle, so the picture is right
    /// whatever the two axes' scales.
    private func draw(_ ellipse: CovarianceEllipse, layout: ChartLayout, into canvas: inout SVGCanvas) {
        let scale = layout.scale
        let a = ellipse.varianceX * scale.x * scale.x
        let b = -ellipse.covarianceXY * scale.x * scale.y
        let c = ellipse.varianceY * scale.y * scale.y
        let shape = SymmetricEigen2(a: a, b: b, c: c)
        let color = ellipse.group.map(color(of:)) ?? .black
        let cx = layout.x(ellipse.center.x), cy = layout.y(ellipse.center.y)
        let rx = ellipse.sigmaCount * max(0, shape.larger).squareRoot()
        let ry = ellipse.sigmaCount * max(0, shape.smaller).squareRoot()
        let degrees = shape.angle * 180 / Double.pi
        canvas.element("ellipse", [
            "cx": canvas.number(cx), "cy": canvas.number(cy), "rx": canvas.number(rx), "ry": canvas.number(ry),
            "transform": abs(degrees) < 0.005 ? nil : "rotate(\(canvas.number(degrees)) \(canvas.number(cx)) \(canvas.number(cy)))",
            "fill": "none", "stroke": color.darkened(0.15).hexString, "stroke-width": "2",
            "stroke-dasharray": ellipse.dashed ? "6 4" : nil,
        ])
        let arm = figure.fontSize * 0.45
        canvas.element("path", [
            "d": "M\(canvas.number(cx - arm)) \(canvas.number(cy))h\(canvas.number(2 * arm))"
                + "M\(canvas.number(cx)) \(canvas.number(cy - arm))v\(canvas.number(2 * arm))",
            "stroke": color.darkened(0.15).hexString, "stroke-width": "2",
        ])
    }
}

/// The eigen-decomposition of the symmetric 2 × 2 matrix [[a, b], [b, c]].
struct SymmetricEigen2 {
    /// The larger eigenvalue.
    let larger: Double
    /// The smaller eigenvalue.
    let smaller: Double
    /// The angle from the x axis to the larger eigenvalue's eigenvector, in radians, (−π/2, π/2].
    let angle: Double

    init(a: Double, b: Double, c: Double) {
        let mean = (a + c) / 2
        let halfDifference = (a - c) / 2
        let radius = (halfDifference * halfDifference + b * b).squareRoot()
        larger = mean + radius
        smaller = mean - radius
        // The eigenvector of the larger eigenvalue is (cos θ, sin θ) with tan 2θ = 2b / (a − c).
        angle = radius == 0 ? 0 : 0.5 * HMMKitPlots.angle(y: 2 * b, x: a - c)
    }
}
