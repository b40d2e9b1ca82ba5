/// Domain errors that know which API error they are (e.g. a store's "not found").
public protocol APIErrorConvertible: Error {
    var apiError: APIError { get }
}
