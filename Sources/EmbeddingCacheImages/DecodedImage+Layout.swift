extension DecodedImage.Layout {
    /// The layout of `channelCount` channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    ///
    /// - Parameter channelCount: The number of channels.
    /// - Returns: `nil` for any other count.
    public init?(channelCount: Int) {
        guard let layout = Self.allCases.first(where: { $0.channelCount == channelCount }) else { return nil }
        self = layout
    }

}
