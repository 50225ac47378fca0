import ArgumentParser
import Foundation
import HMMKit

/// The `--plots DIR` pictures of the recognizer commands, as SVG files a browser opens.
enum RecognizerPlots {
    /// `training.svg` (log-likelihood per frame per iteration, one curve per word) and, with an
    /// evaluation, `confusion.svg`.
    static func write(recognizer: Recognizer, evaluation: Evaluation?, to folder: String) throws {
        let directory = URL(fileURLWithPath: folder)
        try OutputPaths.makeFolder(folder)
        let curves = LinePlot(series: zip(recognizer.labels, recognizer.trainingHistory).map { LineSeries(name: $0, values: $1) },
                              title: "Training: log-likelihood per frame", xLabel: "Iteration", yLabel: "Log-likelihood per frame")
        try save(curves.render(), to: directory.appendingPathComponent("training.svg"))
        if let evaluation {
            let counts = evaluation.confusion.map { Array($0.prefix(evaluation.labels.count)) }
            let map = HeatMap.confusionMatrix(counts, classNames: evaluation.labels,
                                              title: String(format: "Confusion matrix (accuracy %.2f%%)", 100 * evaluation.accuracy))
            try save(map.render(), to: directory.appendingPathComponent("confusion.svg"))
        }
    }

    /// `compare.svg`: accuracy and times of each configuration as bars.
    static func writeComparison(names: [String], accuracies: [Double], trainSeconds: [Double], to folder: String) throws {
        let directory = URL(fileURLWithPath: folder)
        try OutputPaths.makeFolder(folder)
        let accuracy = BarChart(categories: names, series: [BarSeries(name: "test accuracy (%)", values: accuracies.map { 100 * $0 })],
                                title: "Accuracy", yLabel: "%", legend: .hidden)
        let time = BarChart(categories: names, series: [BarSeries(name: "training time (s)", values: trainSeconds)],
                            title: "Training time", yLabel: "seconds", legend: .hidden)
        try save(SVGDocument.sideBySide([accuracy.render(), time.render()], title: "hmmkit compare"),
                 to: directory.appendingPathComponent("compare.svg"))
    }

    private static func save(_ document: SVGDocument, to url: URL) throws {
        try document.write(to: url)
    }
}
