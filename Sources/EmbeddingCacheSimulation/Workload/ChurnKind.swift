/// How a churned file changes between two cycles.
public enum ChurnKind: String, CaseIterable, Sendable, Codable {
    /// Re-saved as a PNG with identical pixels and new bytes (another compression level, a new
    /// text chunk), in place.
    case lossless
    /// Re-saved as a JPEG at another quality, in place: new bytes and slightly different pixels.
    case lossy
    /// Moved to a new path with identical bytes (a deduper renaming files on every push).
    case rename
    /// Edited in place: a patch of pixels painted over, re-saved as a PNG under the same path.
    case edit
    /// Each churned file gets one of the four kinds above, at random.
    case mixed

    /// The concrete kinds `mixed` chooses from.
    public static let concrete: [ChurnKind] = [.lossless, .lossy, .rename, .edit]
}
