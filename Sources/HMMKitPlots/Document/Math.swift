// The C math functions the module uses, under names of their own so that no other file needs
// the platform's C module (the standard library has no logarithms or trigonometry).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `log10(3)`.
@inline(__always) func decimalLogarithm(_ value: Double) -> Double { log10(value) }

/// `atan2(3)`: the angle of (`x`, `y`) in radians, in (−π, π].
@inline(__always) func angle(y: Double, x: Double) -> Double { atan2(y, x) }

/// `cos(3)` of an angle in radians.
@inline(__always) func cosine(_ radians: Double) -> Double { cos(radians) }

/// `sin(3)` of an angle in radians.
@inline(__always) func sine(_ radians: Double) -> Double { sin(radians) }

/// `pow(3)`: `base` to the power `exponent`.
@inline(__always) func power(_ base: Double, _ exponent: Double) -> Double { pow(base, exponent) }
