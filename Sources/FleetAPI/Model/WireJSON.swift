public import Foundation

/// The JSON the Go tool speaks: every key in PascalCase (`ClusterID`, `KubeconfigSource`), its
/// leading initialism in capitals (`ID`, `DNSConfig`, `EKS`, `URL`, `ETASeconds`). Wire types name
/// their properties in Swift's camelCase and leave the spelling to these coders, so a type declares
/// `CodingKeys` only where its key is another word (`UtilityMetadata` for `utilities`).
///
/// String-keyed dictionaries (values, labels, versions by service) keep their keys as given: the
/// coders convert the keys of types, not of dictionaries.
public enum WireJSON {
    /// Initialisms a key may start with, written in capitals on the wire.
    static let initialisms = ["eta", "dns", "eks", "ssm", "url", "id"]

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .custom { path in Key(wireName(forProperty: path[path.count - 1].stringValue)) }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { path in Key(propertyName(forWireName: path[path.count - 1].stringValue)) }
        return decoder
    }

    /// `clusterID` → `ClusterID`, `dnsConfig` → `DNSConfig`, `id` → `ID`.
    public static func wireName(forProperty name: String) -> String {
        guard isIdentifier(name) else { return name }
        let firstWord = name.prefix { $0.isLowercase || $0.isNumber }
        if initialisms.contains(String(firstWord)) { return firstWord.uppercased() + name.dropFirst(firstWord.count) }
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    /// The inverse: `ClusterID` → `clusterID`, `DNSConfig` → `dnsConfig`, `ID` → `id`.
    public static func propertyName(forWireName key: String) -> String {
        guard isIdentifier(key) else { return key }
        for initialism in initialisms {
            let capitals = initialism.uppercased()
            guard key.hasPrefix(capitals) else { continue }
            let rest = key.dropFirst(capitals.count)
            // `IDs` is not `ID` + `s`; `DNSConfig` is `DNS` + `Config`.
            if rest.first.map({ !$0.isLowercase }) ?? true { return initialism + rest }
        }
        return key.prefix(1).lowercased() + key.dropFirst()
    }

    /// How the wire names a key of a decoding error's path: a type's key (its `CodingKeys`) in
    /// PascalCase, a dictionary's key (values, labels, a service's name) as given.
    public static func wireName(of key: any CodingKey) -> String {
        if let index = key.intValue { return "[\(index)]" }
        return String(describing: type(of: key)) == "CodingKeys" ? wireName(forProperty: key.stringValue) : key.stringValue
    }

    /// A key that is no Swift name (`utility-versions`) is already spelled as the wire spells it.
    private static func isIdentifier(_ key: String) -> Bool {
        key.utf8.allSatisfy { $0.isASCIIAlphanumeric }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ stringValue: String) { self.stringValue = stringValue }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
