import ArgumentParser
import FleetAPI

/// A `SERVICE=VALUE` pair from the command line, as `--utility SERVICE=VERSION` and
/// `--values SERVICE=FILE` take it.
struct ServiceSetting: Sendable, Equatable {
    var service: ServiceName
    var value: String

    init(service: ServiceName, value: String) {
        self.service = service
        self.value = value
    }

    /// For `@Option(transform:)`: the error names the option and the expected shape in one line.
    static func parser(_ option: String, _ shape: String) -> @Sendable (String) throws -> ServiceSetting {
        { argument in
            guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
                argument.index(after: equals) != argument.endIndex
            else { throw ValidationError("--\(option) takes SERVICE=\(shape); got \"\(argument)\"") }
            return ServiceSetting(
                service: ServiceName(String(argument[..<equals])),
                value: String(argument[argument.index(after: equals)...])
            )
        }
    }
}
