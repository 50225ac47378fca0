extension HeatMap {
    /// What a confusion matrix's colours are relative to.
    public enum ConfusionNormalization: Sendable, Hashable {
        /// Each count divided by its row's total: the share of each true class given each label
        /// (the diagonal is per-class recall). The default, as in scikit-learn's `normalize="true"`.
        case byTrueClass
        /// Each count divided by its column's total (the diagonal is per-class precision).
        case byPredictedClass
        /// Each count divided by the grand total.
        case overall
        /// The raw counts, coloured from 0 to the largest count.
        case none
    }

    /// A confusion matrix: row `i`, column `j` counts the items of true class `i` labelled `j`.
    ///
    /// Rows (true classes) run down from the top and columns (predicted classes) along x, both
    /// labelled with `classNames`; each cell prints its count and is coloured by the count's share
    /// per `normalization`, on a colour range fixed at 0…1 (0…largest count for `.none`) so that
    /// pictures of several systems compare. A class with no items has a row (or column) of 0s,
    /// coloured as 0. `figure` defaults to a page sized for the number of classes.
    ///
    /// - Precondition: `counts` is `[classCount × classCount]` with `classNames.count` classes,
    ///   and no count is negative.
    public static func confusionMatrix(_ counts: [[Int]], classNames: [String],
                                       normalization: ConfusionNormalization = .byTrueClass,
                                       colorMap: ColorMap = .viridis, title: String? = "Confusion matrix",
                                       figure: Figure? = nil) -> HeatMap {
        let classCount = classNames.count
        precondition(counts.count == classCount && counts.allSatisfy { $0.count == classCount },
                     "HeatMap.confusionMatrix: counts must be \(classCount) × \(classCount), one row and column per class name")
        precondition(counts.allSatisfy { $0.allSatisfy { $0 >= 0 } }, "HeatMap.confusionMatrix: counts must not be negative")

        let rowTotals = counts.map { Double($0.reduce(0, +)) }
        let columnTotals = (0..<classCount).map { column in Double(counts.reduce(0) { $0 + $1[column] }) }
        let total = rowTotals.reduce(0, +)
        func share(_ count: Int, of whole: Double) -> Double { whole > 0 ? Double(count) / whole : 0 }
        let shares: [[Double]] = counts.enumerated().map { row, entries in
            entries.enumerated().map { column, count in
                switch normalization {
                case .byTrueClass: return share(count, of: rowTotals[row])
                case .byPredictedClass: return share(count, of: columnTotals[column])
                case .overall: return share(count, of: total)
                case .none: return Double(count)
                }
            }
        }
        let largest = Double(counts.joined().max() ?? 0)
        let range: ClosedRange<Double> = normalization == .none ? 0...max(1, largest) : 0...1
        let barLabel: String
        switch normalization {
        case .byTrueClass: barLabel = "Share of true class"
        case .byPredictedClass: barLabel = "Share of predicted class"
        case .overall: barLabel = "Share of all items"
        case .none: barLabel = "Count"
        }
        let side = min(900, max(320, 46 * Double(classCount) + 150))
        let page = figure ?? Figure(width: side + 170, height: side)
        return HeatMap(values: shares, layout: .rowsDownward, xTicks: .labels(classNames), yTicks: .labels(classNames),
                       colorScale: .sequential(colorMap, range: range), title: title, xLabel: "Predicted class",
                       yLabel: "True class", colorBarLabel: barLabel, cellText: counts.map { $0.map(String.init) },
                       figure: page)
    }
}
