/// Lower-case hexadecimal digits, for the places that write bytes or random values as hex.
public enum Hex {
    /// `0`–`9`, `a`–`f` as UTF-8 bytes: `digits[n]` is the digit of the nibble `n`.
    public static let digits = Array("0123456789abcdef".utf8)

    /// The two digits of `byte`, high nibble first.
    public static func digits(of byte: UInt8) -> [UInt8] {
        [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
}
