/// The Mersenne Twister MT19937 (Matsumoto & Nishimura 1998), drawn exactly as NumPy's legacy
/// `numpy.random.RandomState` draws it: the same 624-word state and position (what
/// `RandomState.get_state()` returns as its key and `pos`), the same tempered 32-bit outputs,
/// and NumPy's 53-bit doubles (``nextUniform()``, `RandomState.random_sample`). A caller that
/// hands over a `RandomState`'s state and takes the advanced state back continues that stream
/// as if NumPy had made the draws.
public struct MT19937: RandomNumberGenerator, Sendable {
    /// The number of 32-bit words of state (NumPy's `RK_STATE_LEN`).
    public static let stateWordCount = 624
    private static let shift = 397
    private static let matrixA: UInt32 = 0x9908_B0DF

    /// The state words, as `RandomState.get_state()[1]`.
    public private(set) var key: [UInt32]
    /// The next word of ``key`` to temper; ``stateWordCount`` means the words are used up and
    /// the next draw regenerates them (`RandomState.get_state()[2]`).
    public private(set) var position: Int

    /// The generator `init_genrand(seed)` makes (C++'s `std::mt19937(seed)`, NumPy's
    /// `RandomState(seed)` for a seed below 2³²).
    public init(seed: UInt32) {
        var words = [UInt32](repeating: 0, count: Self.stateWordCount)
        words[0] = seed
        for i in 1..<Self.stateWordCount {
            words[i] = 1_812_433_253 &* (words[i - 1] ^ (words[i - 1] >> 30)) &+ UInt32(i)
        }
        key = words
        position = Self.stateWordCount
    }

    /// The generator in a saved state; nil unless `key` has ``stateWordCount`` words and
    /// `0 ≤ position ≤ stateWordCount`.
    public init?(key: [UInt32], position: Int) {
        guard key.count == Self.stateWordCount, (0...Self.stateWordCount).contains(position) else { return nil }
        self.key = key
        self.position = position
    }

    /// The next tempered 32-bit output (`genrand_int32`).
    public mutating func next32() -> UInt32 {
        if position == Self.stateWordCount { regenerate() }
        var y = key[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// Two 32-bit outputs, the first in the high half (NumPy's `mt19937_next64`).
    public mutating func next() -> UInt64 {
        let high = UInt64(next32())
        return high << 32 | UInt64(next32())
    }

    /// A double in [0, 1) from two outputs, `((a >> 5) · 2²⁶ + (b >> 6)) / 2⁵³`
    /// (`genrand_res53`, NumPy's `random_sample` and `uniform(0, 1)`).
    public mutating func nextUniform() -> Double {
        let a = Double(next32() >> 5), b = Double(next32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    private mutating func regenerate() {
        let n = Self.stateWordCount, m = Self.shift
        key.withUnsafeMutableBufferPointer { mt in
            func twisted(_ i: Int, _ next: Int, _ far: Int) -> UInt32 {
                let y = (mt[i] & 0x8000_0000) | (mt[next] & 0x7FFF_FFFF)
                return mt[far] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : Self.matrixA)
            }
            for i in 0..<(n - m) { mt[i] = twisted(i, i + 1, i + m) }
            for i in (n - m)..<(n - 1) { mt[i] = twisted(i, i + 1, i + m - n) }
            mt[n - 1] = twisted(n - 1, 0, m - 1)
        }
        position = 0
    }
}
