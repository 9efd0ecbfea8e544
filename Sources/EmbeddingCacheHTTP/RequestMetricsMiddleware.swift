import HTTPTypes
import Hummingbird

/// Counts and times every answered request in ``ServerMetrics``, by route (a path the server
/// serves, or `other`, so unknown paths cannot grow the number of series) and status, and tells
/// the client the server's own time in a `Server-Timing: app;dur=MILLISECONDS` header (from the
/// request's arrival to its answer being ready, before the body is written).
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The standard header naming the server's time.
    static var serverTimingHeader: HTTPField.Name { HTTPField.Name("Server-Timing")! }

    let metrics: ServerMetrics
    let routes: Set<String>

    func handle(
        _ request: Request,
        context: Context,
        next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        var response = try await next(request, context)
        let duration = ContinuousClock.now - started
        let route = routes.contains(request.uri.path) ? request.uri.path : "other"
        metrics.request(route: route, status: response.status.code, duration: duration)
        response.headers[Self.serverTimingHeader] = "app;dur=\(Self.milliseconds(duration))"
        return response
    }

    /// A duration in milliseconds with three decimals (microseconds), as `Server-Timing` writes it.
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = max(
            0,
            duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        )
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
