/// The order people expect of names with numbers in them: runs of digits compare by value
/// (`2` before `10`, `7_jackson_9` before `7_jackson_10`; for equal values the run with fewer
/// leading zeros first, `7` before `07`), everything else by Unicode scalar.
/// Labels, speakers and files are listed in this order, so results never depend on the order a
/// file system returns names in.
public enum NaturalOrder {
    /// True when `a` comes before `b`.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
        var x = i.next(), y = j.next()
        while let p = x, let q = y {
            if isDigit(p), isDigit(q) {
                // Compare the two digit runs by value: skip leading zeros, then by length, then digit by digit.
                var left: [Unicode.Scalar] = [], right: [Unicode.Scalar] = []
                while let d = x, isDigit(d) { left.append(d); x = i.next() }
                while let d = y, isDigit(d) { right.append(d); y = j.next() }
                let l = left.drop { $0 == "0" }, r = right.drop { $0 == "0" }
                if l.count != r.count { return l.count < r.count }
                for (u, v) in zip(l, r) where u != v { return u.value < v.value }
                if left.count != right.count { return left.count < right.count }  // "7" before "07"
                continue
            }
            if p != q { return p.value < q.value }
            x = i.next()
            y = j.next()
        }
        return x == nil && y != nil
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }

    /// `names` without duplicates, in natural order.
    public static func sortedUnique<S: Sequence<String>>(_ names: S) -> [String] {
        Set(names).sorted(by: precedes)
    }
}
