extension StringProtocol {
    /// This text with every control character (C0, DEL and C1, terminal escape sequences' introducers
    /// among them) shown as `?`, except those in `kept`. Text from servers, files and logs passes through
    /// it before a person sees it, so it cannot move the cursor or print over a line.
    public func showingControlCharacters(keeping kept: Set<Unicode.Scalar> = []) -> String {
        // Fast check on the bytes: C0 controls, DEL, and the lead byte of U+0080–U+00BF (C1 controls among them).
        let keptBytes = kept.filter(\.isASCII).map { UInt8($0.value) }
        guard utf8.contains(where: { ($0 < 0x20 && !keptBytes.contains($0)) || $0 == 0x7F || $0 == 0xC2 }) else { return String(self) }
        return String(String.UnicodeScalarView(unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control && !kept.contains(scalar) ? "?" : scalar
        }))
    }
}
