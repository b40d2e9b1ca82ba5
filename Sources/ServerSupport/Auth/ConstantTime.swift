/// Comparisons whose time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Equal-length byte strings compared without an early exit.
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
