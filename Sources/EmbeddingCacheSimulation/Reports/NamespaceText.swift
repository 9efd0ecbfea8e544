/// Reads parts of a namespace printed as `model | preprocessing | storage`, for chart subtitles.
enum NamespaceText {
    /// The model identity: the text before the first ` | `.
    static func model(of namespace: String) -> String {
        namespace.split(separator: " | ", maxSplits: 1).first.map(String.init) ?? namespace
    }
}
