@testable import ExScopeCore
import Testing

@Suite struct VersionInputTests {
    @Test(arguments: [
        ("15.2.1544.11", BuildNumber(15, 2, 1544, 11), VersionInput.Form.fourPart),
        ("15.02.1544.011", BuildNumber(15, 2, 1544, 11), .fourPart),
        ("  15.2.1544.11\t", BuildNumber(15, 2, 1544, 11), .fourPart),
        ("15.2.1544", BuildNumber(15, 2, 1544, 0), .threePart),
        ("15.1", BuildNumber(15, 1, 0, 0), .twoPart),
        ("Version 15.2 (Build 1544.4)", BuildNumber(15, 2, 1544, 4), .adminDisplayVersion),
        ("Version 15.0(Build 1497.2)", BuildNumber(15, 0, 1497, 2), .adminDisplayVersion),
        ("14.3.513.0", BuildNumber(14, 3, 513, 0), .fourPart),
        ("8.3.083.6", BuildNumber(8, 3, 83, 6), .fourPart),
    ])
    func parsesEveryAcceptedForm(_ text: String, _ build: BuildNumber, _ form: VersionInput.Form) throws {
        let parsed = try VersionInput(parsing: text)
        #expect(parsed.build == build)
        #expect(parsed.form == form)
    }

    @Test(arguments: [
        ("", VersionParseError.Code.empty), ("   ", .empty), ("15", .tooFewParts), (".15.2", .emptyPart), ("15.2.", .emptyPart),
        ("15..2", .emptyPart), ("15.2.3.4.5", .tooManyParts), ("15.2.1544.1234567", .partTooLong), ("15.2,1544", .unexpectedCharacter),
        ("15.2.1544.11a", .unexpectedCharacter), ("Version 15.2", .malformedAdminDisplayVersion),
        ("Version 15.2 (Build 1544)", .malformedAdminDisplayVersion), ("Version 15.2 (Build 1544.4) x", .malformedAdminDisplayVersion),
        ("vintage", .malformedAdminDisplayVersion), (String(repeating: "1", count: 65), .tooLong), ("１５.2.1.1", .unexpectedCharacter),
    ])
    func rejectsMalformedStrings(_ text: String, _ code: VersionParseError.Code) {
        do {
            let parsed = try VersionInput(parsing: text)
            Issue.record("accepted \(text) as \(parsed.build)")
        } catch {
            #expect(error.code == code, "\(text): \(error.reason)")
        }
    }

    @Test func precisionFollowsTheForm() throws {
        #expect(try VersionInput(parsing: "15.2.1544.11").precision == .exact)
        #expect(try VersionInput(parsing: "15.2.1544").precision == .cu)
        #expect(try VersionInput(parsing: "Version 15.2 (Build 1544.4)").precision == .cu)
        #expect(try VersionInput(parsing: "15.2").precision == .product)
        #expect(Precision.none < .product && Precision.product < .cu && Precision.cu < .exact)
    }

    @Test func buildsOrderNumericallyNotAsText() {
        #expect(BuildNumber(15, 2, 1544, 9) < BuildNumber(15, 2, 1544, 25))
        #expect(BuildNumber(15, 2, 986, 5) < BuildNumber(15, 2, 1118, 7))
        #expect(BuildNumber(strict: "15.2.1544") == nil)
        #expect(BuildNumber(strict: "15.02.1544.025") == BuildNumber(15, 2, 1544, 25))
    }

    @Test func datesParseAndOrder() {
        #expect(CalendarDate(parsing: "2025-10-14")?.description == "2025-10-14")
        #expect(CalendarDate(parsing: "2019-07")?.description == "2019-07")
        #expect(CalendarDate(parsing: "2025-02-29") == nil)
        #expect(CalendarDate(parsing: "2024-02-29") != nil)
        #expect(CalendarDate(parsing: "2025-13-01") == nil)
        #expect(CalendarDate(parsing: "25-01-01") == nil)
        #expect(CalendarDate(parsing: "2025-1-01") == nil)
        #expect(day("2025-10-14") < day("2025-10-15"))
        #expect(day("2019-07") == day("2019-07-01"))
    }
}
