import EmbeddingCache
import HTTPTypes

/// The standard `Server-Timing` header: `app;dur=MILLISECONDS` on every answer (the server's own
/// time, from the request's arrival to its answer being ready, before the body is written) and, on
/// `POST /v1/embeddings`, `upstream;dur=MILLISECONDS` (the time its upstream calls took).
enum ServerTiming {
    /// The header's name.
    static var header: HTTPField.Name { HTTPField.Name("Server-Timing")! }

    /// One header field: `NAME;dur=MILLISECONDS`, the milliseconds with three decimals.
    static func field(_ name: String, _ duration: Duration) -> HTTPField {
        HTTPField(name: header, value: "\(name);dur=\(milliseconds(duration))")
    }

    /// A duration in milliseconds with three decimals (microseconds).
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = max(0, duration.nanoseconds / 1000)
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
    }
}
