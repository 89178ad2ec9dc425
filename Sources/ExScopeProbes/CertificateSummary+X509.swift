import ExScopeCore
import Foundation
import SwiftASN1
import X509

extension CertificateSummary {
    /// Summarises a DER certificate; a certificate that does not parse gives an empty summary.
    init(der: [UInt8]) {
        guard !der.isEmpty, let certificate = try? Certificate(derEncoded: der) else {
            self.init()
            return
        }
        var names: [String] = []
        if let alternatives = try? certificate.extensions.subjectAlternativeNames {
            for name in alternatives {
                if case .dnsName(let dns) = name { names.append(String(dns.prefix(255))) }
            }
        }
        self.init(
            subjectCommonName: Self.commonName(certificate.subject) ?? (certificate.subject.isEmpty ? nil : String(describing: certificate.subject)),
            subjectAlternativeNames: Array(names.prefix(100)),
            issuer: Self.commonName(certificate.issuer) ?? String(describing: certificate.issuer),
            notBefore: Self.day(certificate.notValidBefore),
            notAfter: Self.day(certificate.notValidAfter),
            selfSigned: certificate.subject == certificate.issuer
        )
    }

    private static func commonName(_ name: DistinguishedName) -> String? {
        for rdn in name {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return String(String(describing: attribute.value).prefix(255))
            }
        }
        return nil
    }

    private static func day(_ date: Date) -> CalendarDate? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }
}
