import HMMKitCorpus
import Testing

@Suite("Natural order of names")
struct NaturalOrderTests {
    @Test func numbersCompareByValue() {
        let sorted = ["7_jackson_10.wav", "10", "7_jackson_9.wav", "2", "b", "a10b", "a9c", "07", "7", "a", "", "Z", "7_jackson_09.wav"]
            .sorted(by: NaturalOrder.precedes)
        // Equal values: fewer leading zeros first, decided at that run (so "7_…" before "07").
        #expect(sorted == ["", "2", "7", "7_jackson_9.wav", "7_jackson_09.wav", "7_jackson_10.wav", "07", "10", "Z", "a", "a9c", "a10b", "b"])
    }

    @Test func isAStrictWeakOrder() {
        let names = ["0", "00", "1", "01", "a1", "a01", "a1b", "a", "ab", "b2", "b10", "12345678901234567890", "9", "x_1_y"]
        for a in names {
            #expect(!NaturalOrder.precedes(a, a), "irreflexive: \(a)")
            for b in names where a != b {
                #expect(NaturalOrder.precedes(a, b) != NaturalOrder.precedes(b, a), "total on distinct names: \(a), \(b)")
                for c in names where NaturalOrder.precedes(a, b) && NaturalOrder.precedes(b, c) {
                    #expect(NaturalOrder.precedes(a, c), "transitive: \(a) < \(b) < \(c)")
                }
            }
        }
    }
}
