internal import FoundationEssentials

extension DecodedImage {
    /// The image transformed as `orientation` prescribes, so that a camera's stored pixels show
    /// upright.
    ///
    /// - Parameter orientation: The EXIF orientation of the stored pixels.
    /// - Returns: The upright image; `self` for ``ExifOrientation/up``.
    /// - Complexity: O(width × height), one copy of the pixels.
    public func applying(_ orientation: ExifOrientation) -> DecodedImage {
        guard orientation != .up else { return self }
        let (outputWidth, outputHeight) = orientation.swapsDimensions ? (height, width) : (width, height)
        // The source pixel of output pixel (x, y) is origin + x × stepX + y × stepY, in pixels.
        let (origin, stepX, stepY) = Self.sourceWalk(orientation, width: width, height: height)
        let pixelBytes = layout.channelCount * bitDepth / 8
        var output = Data(count: pixels.count)
        output.withUnsafeMutableBytes { (target: UnsafeMutableRawBufferPointer) in
            pixels.withUnsafeBytes { (source: UnsafeRawBufferPointer) in
                var targetOffset = 0
                for y in 0..<outputHeight {
                    var sourcePixel = origin + y * stepY
                    for _ in 0..<outputWidth {
                        let sourceOffset = sourcePixel * pixelBytes
                        for byte in 0..<pixelBytes { target[targetOffset + byte] = source[sourceOffset + byte] }
                        targetOffset += pixelBytes
                        sourcePixel += stepX
                    }
                }
            }
        }
        return DecodedImage(
            width: outputWidth,
            height: outputHeight,
            layout: layout,
            bitDepth: bitDepth,
            pixels: output
        )
    }

    /// Where output pixel (0, 0) comes from, and how the source index moves per output column
    /// and per output row, for a stored image of `width` × `height`.
    private static func sourceWalk(
        _ orientation: ExifOrientation,
        width: Int,
        height: Int
    ) -> (origin: Int, stepX: Int, stepY: Int) {
        let lastColumn = width - 1
        let lastRow = (height - 1) * width
        return switch orientation {
        case .up: (0, 1, width)
        case .upMirrored: (lastColumn, -1, width)
        case .down: (lastRow + lastColumn, -1, -width)
        case .downMirrored: (lastRow, 1, -width)
        case .leftMirrored: (0, width, 1)
        case .right: (lastRow, -width, 1)
        case .rightMirrored: (lastRow + lastColumn, -width, -1)
        case .left: (lastColumn, width, -1)
        }
    }
}
