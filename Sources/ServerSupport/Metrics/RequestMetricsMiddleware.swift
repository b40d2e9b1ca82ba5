import CoreMetrics
import FleetAPI
import HTTPTypes
public import Hummingbird
import Synchronization

/// Counts and times every answer by route template, method and status into the server's own
/// `ServerMetrics`: the series Hummingbird's `MetricsMiddleware` writes, under the same names.
///
/// Ours because that one records through swift-metrics' global factory, and records after the body
/// is written, from a closure wrapped round the body writer: on the provisioner's status route it
/// took 13 of the 45 µs of CPU a request cost (bench/results.md). Here the clock stops when the
/// handler returns its response, which for a body held in memory is when it is ready to send; a
/// streamed body (the event stream) is timed to its start, not for as long as it stays open.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let series: RequestSeries

    public init(metrics: ServerMetrics) {
        series = RequestSeries(factory: metrics.factory)
    }

    public func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let active = series.active(request.method)
        active.increment()
        defer { active.decrement() }
        do {
            let response = try await next(request, context)
            let answered = series.answered(RequestSeries.Key(context.endpointPath ?? "Unknown", request.method, response.status))
            answered.count.increment()
            answered.duration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
            return response
        } catch {
            // Only what no inner middleware turned into an answer gets here.
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let answered = series.answered(RequestSeries.Key(context.endpointPath ?? "NotFound", request.method, status))
            answered.count.increment()
            answered.errors.increment()
            throw error
        }
    }

}

/// The request series made so far, one set per route, method and status, so that a request looks
/// its recorders up instead of making them.
final class RequestSeries: Sendable {
    struct Key: Hashable {
        var route: String
        var method: HTTPRequest.Method
        var status: HTTPResponse.Status

        init(_ route: String, _ method: HTTPRequest.Method, _ status: HTTPResponse.Status) {
            self.route = route
            self.method = method
            self.status = status
        }
    }

    struct Answered: Sendable {
        var count: Counter
        var duration: Timer
        var errors: Counter
    }

    private let factory: any MetricsFactory
    private let activeByMethod = Mutex<[HTTPRequest.Method: Meter]>([:])
    private let answeredByKey = Mutex<[Key: Answered]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        activeByMethod.withLock { meters in
            if let meter = meters[method] { return meter }
            let meter = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)], factory: factory)
            meters[method] = meter
            return meter
        }
    }

    func answered(_ key: Key) -> Answered {
        answeredByKey.withLock { series in
            if let answered = series[key] { return answered }
            let method = key.method.rawValue
            let code = String(key.status.code)
            let dimensions = [("http.route", key.route), ("http.request.method", method), ("http.response.status_code", code)]
            let answered = Answered(
                count: Counter(label: "hb.requests", dimensions: dimensions, factory: factory),
                duration: Timer(label: "http.server.request.duration", dimensions: dimensions, factory: factory),
                errors: Counter(
                    label: "hb.request.errors",
                    dimensions: [("http.route", key.route), ("http.request.method", method), ("error.type", code)],
                    factory: factory
                )
            )
            series[key] = answered
            return answered
        }
    }
}
