// Fuzz target: audio files through libsndfile (the bytes written to a file named .wav, as
// libsndfile reads from files), decoded as `hmmkit features|train|recognize` decode them, with
// and without accepting truncated data, then resampled to 16 kHz and turned into MFCCs with the
// default (Kaldi) front end.
import Foundation
import HMMKitAudio
import HMMKitFeatures

private let extractor: MFCCExtractor<Float> = {
    do { return try MFCCExtractor(configuration: .kaldi(sampleRate: 16_000)) } catch { fatalError("Fuzz: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAudioFile(_ data: UnsafeRawPointer, _ size: Int) -> CInt {
    let url = Scratch.write(UnsafeRawBufferPointer(start: data, count: size), named: "input.wav")
    _ = try? AudioDecoder.info(url: url)
    _ = try? AudioDecoder.read(url: url, scale: .int16, acceptingTruncatedData: true)
    if let samples = try? AudioLoader.load(url, sampleRate: 16_000) {
        _ = try? extractor.features(of: samples, source: url.path)
    }
    return 0
}

enum FuzzTarget {
    static func prepare() { _ = extractor }
}
