import Foundation
import HMMKitPlots
import HMMKitTestSupport
import Testing

/// `write(to:)`: the text on disk, atomic replacement, and errors that name the file.
@Suite struct WriteTests {
    @Test func writesTheTextAndReplacesAnOldFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("ll.svg")
        try Data("old".utf8).write(to: url)
        let plot = LinePlot(series: [LineSeries(name: "model", values: [-3, -2, -1.5])])
        try plot.write(to: url)
        #expect(try String(contentsOf: url, encoding: .utf8) == plot.svgText)
        #expect(try folder.contents() == ["ll.svg"], "no temporary file is left behind")
    }

    @Test func aMissingFolderThrowsNamingTheFile() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("no-such-folder/plot.svg")
        #expect(throws: PlotError.self) { try BarChart(categories: [], series: []).write(to: url) }
        do {
            try BarChart(categories: [], series: []).write(to: url)
        } catch {
            #expect(error.file == url.path)
            #expect(error.description.contains("cannot write"))
        }
    }

    /// When the rename fails (the destination is a folder), the destination is untouched and the
    /// temporary file is removed.
    @Test func aFailedWriteLeavesNothingBehind() throws {
        let folder = try TemporaryFolder()
        let url = folder.file("taken.svg")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        #expect(throws: PlotError.self) { try ScatterPlot(groups: []).write(to: url) }
        var isFolder: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) && isFolder.boolValue)
        #expect(try folder.contents() == ["taken.svg"])
    }

    @Test func documentHeader() {
        let text = HeatMap(values: [[1]], figure: Figure(width: 300, height: 200)).svgText
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        #expect(text.contains("width=\"300\" height=\"200\" viewBox=\"0 0 300 200\""))
        #expect(text.hasSuffix("</svg>\n"))
    }
}
