import Testing

@testable import FleetAPI

/// The validators that check bytes by hand say what their regular expressions say.
@Suite("Hand-written validators")
struct ByteValidatorTests {
    /// Strings from a small alphabet that makes near misses likely, the same every run.
    private static func samples(from alphabet: [Character], count: Int, maxLength: Int) -> [String] {
        var generator = SplitMix(seed: 18)
        return (0..<count).map { _ in
            String((0..<Int.random(in: 0...maxLength, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
    }

    @Test("a chart version is valid exactly when SemVer's pattern (with an optional v) matches it")
    func chartVersionAgreesWithPattern() {
        let pattern = /v?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){0,2}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?/
        for sample in Self.samples(from: Array("v0129.-+aZ _"), count: 20000, maxLength: 12) {
            #expect(ChartVersion.isValid(sample) == (sample.wholeMatch(of: pattern) != nil), "\(sample)")
        }
    }

    @Test("an ID is valid exactly when it is 1 to 64 of letters, digits, '.', '_' and '-'")
    func idAgreesWithPattern() {
        let pattern = /[A-Za-z0-9._-]{1,64}/
        for sample in Self.samples(from: Array("aZ09._-/ é"), count: 5000, maxLength: 70) {
            #expect(ID.isValid(sample) == (sample.wholeMatch(of: pattern) != nil), "\(sample)")
        }
    }

    @Test("a word is found in any case only when asked to ignore case")
    func containsWord() {
        #expect("Authorization: BEARER x".utf8.containsASCII("bearer", ignoringCase: true))
        #expect(!"Authorization: BEARER x".utf8.containsASCII("bearer"))
        #expect("a k8s-aws-v1.abc".utf8.containsASCII("k8s-aws-v1."))
        #expect(!"k8s-aws-v1".utf8.containsASCII("k8s-aws-v1."))
        #expect(!"bearebearer".utf8.containsASCII("bearers", ignoringCase: true))
    }
}

/// A seeded generator, so a failing sample shows up again on the next run.
private struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
