/// How a camera's stored pixels must be transformed to be shown upright: the EXIF and TIFF
/// `Orientation` tag (0x0112), values 1 to 8, with Core Graphics' case names.
///
/// Each case names where the stored image's top row ends up; its documentation gives the transform
/// the decoder applies to show the image upright.
public enum ExifOrientation: Int, Sendable, Hashable, CaseIterable {
    /// 1: already upright.
    case up = 1
    /// 2: mirror left to right.
    case upMirrored = 2
    /// 3: rotate 180°.
    case down = 3
    /// 4: mirror top to bottom.
    case downMirrored = 4
    /// 5: transpose (mirror along the top-left to bottom-right diagonal).
    case leftMirrored = 5
    /// 6: rotate 90° clockwise.
    case right = 6
    /// 7: transverse (mirror along the top-right to bottom-left diagonal).
    case rightMirrored = 7
    /// 8: rotate 90° counter-clockwise.
    case left = 8

    /// Whether the transform swaps width and height.
    public var swapsDimensions: Bool { rawValue >= 5 }
}
