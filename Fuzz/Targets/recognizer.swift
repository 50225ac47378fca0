// Fuzz target: recognizer files (JSON: front-end configuration, labels, one GMM-HMM per label),
// loaded as `hmmkit recognize|evaluate` load them, then used once: its front end on a short
// recording (made here once; resampled to the recognizer's rate) and every model on a few frames.
import Foundation
import HMMKitNumerics
import HMMKitAudio
import HMMKitRecognition

private let recording: URL = {
    // 0.25 s of a 440 Hz tone with a little noise, at 8 kHz (the FSDD rate).
    var generator = SplitMix64(seed: 14)
    let samples = (0..<2000).map { index -> Double in
        0.3 * sin(2 * Double.pi * 440 * Double(index) / 8000) + 0.01 * (Double(generator.next() % 1000) / 500 - 1)
    }
    let url = URL(fileURLWithPath: "\(Scratch.folder)/probe.wav")
    do { try AudioFileWriter.write(AudioSignal(samples: samples, sampleRate: 8000), to: url) } catch {
        fatalError("Fuzz: cannot write the probe recording: \(error)")
    }
    return url
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecognizer(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let probe = recording
    let url = Scratch.write(UnsafeRawBufferPointer(start: data, count: size), named: "input.json")
    guard let recognizer = try? Recognizer.load(from: url) else { return 0 }
    _ = try? recognizer.recognize([probe], threadCount: 1)
    if let dimension = recognizer.models.first?.dimension, let frames = probeFrames(Double.self, dimension: dimension, count: 4) {
        _ = try? recognizer.scores([frames], threadCount: 1)
    }
    return 0
}

enum FuzzTarget {
    static func prepare() { _ = recording }
}
