import HTTPTypes
import Hummingbird

/// Counts and times every answered request in ``ServerMetrics``, by route (a path the server
/// serves, or `other`, so unknown paths cannot grow the number of series) and status, and tells
/// the client the server's own time in ``ServerTiming``'s `app` entry.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
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
        response.headers.append(ServerTiming.field("app", duration))
        return response
    }
}
