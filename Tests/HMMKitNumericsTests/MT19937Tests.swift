import HMMKitNumerics
import Testing

// MT19937 against published reference values: C++'s std::mt19937 (whose default seed is 5489)
// starts 3499211612, 581869302, 3890346734, 3586334585, 545404204, and the C++ standard
// ([rand.predef]) requires its 10000th output to be 4123659995. MATLAB's `rng(0, "twister")`
// (state from init_genrand(5489)) makes 0.814723686393179 its first `rand`, the 53-bit double of
// the first two outputs, which NumPy's legacy `random_sample` computes the same way. All exact.

@Test func initGenrand5489MatchesStdMT19937() {
    var generator = MT19937(seed: 5489)
    let first = (0..<5).map { _ in generator.next32() }
    #expect(first == [3_499_211_612, 581_869_302, 3_890_346_734, 3_586_334_585, 545_404_204])
    for _ in 5..<9999 { _ = generator.next32() }
    #expect(generator.next32() == 4_123_659_995)
}

@Test func firstUniformIsMatlabsFirstTwisterRand() {
    var generator = MT19937(seed: 5489)
    let value = generator.nextUniform()
    #expect(value == 0.8147236863931789)
    #expect(generator.position == 2)
}

@Test func savedStateContinuesTheStream() throws {
    var generator = MT19937(seed: 5489)
    for _ in 0..<1000 { _ = generator.next32() }  // past one regeneration of the 624 words
    var resumed = try #require(MT19937(key: generator.key, position: generator.position))
    let expected = (0..<700).map { _ in generator.next32() }
    #expect((0..<700).map { _ in resumed.next32() } == expected)
    // 64-bit draws are two 32-bit outputs, the first in the high half (NumPy's next64).
    var pair = MT19937(seed: 1), halves = MT19937(seed: 1)
    #expect(pair.next() == UInt64(halves.next32()) << 32 | UInt64(halves.next32()))
}

@Test func savedStateIsValidated() {
    let key = [UInt32](repeating: 1, count: MT19937.stateWordCount)
    #expect(MT19937(key: key, position: 0) != nil)
    #expect(MT19937(key: key, position: MT19937.stateWordCount) != nil)
    #expect(MT19937(key: key, position: MT19937.stateWordCount + 1) == nil)
    #expect(MT19937(key: key, position: -1) == nil)
    #expect(MT19937(key: Array(key.dropLast()), position: 0) == nil)
}
