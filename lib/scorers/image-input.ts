import { invalid } from "../errors";
import { channelsOf, type ColorMode, type PixelOrder, type PreprocessSpec } from "../image/preprocess";
import { describeTensor, fixedDim } from "../onnx/describe";
import type { ModelSignature, TensorInfo } from "../onnx/types";
import { NUMERIC_TYPES, pickInput, pickOutput } from "./model-io";
import type { ResolvedImageClassifierSettings } from "./types";

/** How images are fed to one model: the result of fitting the settings to its input shape. */
export interface ImageInputPlan {
  inputName: string;
  outputName: string;
  preprocess: PreprocessSpec;
  /** The input tensor's dims for a batch of `n` images. */
  dims(n: number): number[];
  /** Set when the model's batch dimension is fixed (e.g. 1): batches are cut and padded to it. */
  fixedBatch?: number;
  /** Classes per image when the output shape fixes them. */
  classes?: number;
  /** One line for the log, e.g. "input 'image' [N,1,28,28]: NCHW grayscale 28x28". */
  summary: string;
}

type ImageSettings = Pick<ResolvedImageClassifierSettings, "inputName" | "outputName" | "layout" | "color" | "width" | "height" | "scale" | "mean" | "std">;

interface Geometry {
  color: ColorMode;
  width: number;
  height: number;
  order: PixelOrder;
  dims(n: number): number[];
  layoutName: string;
}

/**
 * Fits the image settings to the model: "auto" values come from the input shape, explicit ones
 * must agree with it. Anything that cannot be fed is refused with the input, its shape and the
 * conflicting setting named.
 */
export function planImageInput(signature: ModelSignature, settings: ImageSettings): ImageInputPlan {
  const input = pickInput(signature, settings.inputName, "image classifier");
  const output = pickOutput(signature, settings.outputName);
  const where = `model input ${describeTensor(input)}`;
  if (input.type !== "float32") throw invalid(`${where} has element type ${input.type}; the image classifier feeds float32 tensors`);

  const geometry =
    input.shape.length === 4
      ? planRank4(input, settings, where)
      : input.shape.length === 3
        ? planRank3(input, settings, where)
        : input.shape.length === 2
          ? planFlat(input, settings, where)
          : unsupportedRank(input, where);

  const channels = channelsOf(geometry.color);
  checkPerChannel("mean", settings.mean, channels);
  checkPerChannel("std", settings.std, channels);
  const classes = checkOutput(output);
  const preprocess: PreprocessSpec = {
    width: geometry.width,
    height: geometry.height,
    color: geometry.color,
    order: geometry.order,
    scale: settings.scale,
    mean: settings.mean,
    std: settings.std,
  };
  return {
    inputName: input.name,
    outputName: output.name,
    preprocess,
    dims: geometry.dims,
    fixedBatch: fixedDim(input.shape, 0),
    classes,
    summary: `${where}: ${geometry.layoutName} ${geometry.color} ${geometry.width}x${geometry.height}, scale ${settings.scale}; output ${describeTensor(output)}`,
  };
}

function planRank4(input: TensorInfo, settings: ImageSettings, where: string): Geometry {
  const layout = settings.layout === "auto" ? detectLayout(input.shape, where) : settings.layout;
  const channelAxis = layout === "NCHW" ? 1 : 3;
  const [hAxis, wAxis] = layout === "NCHW" ? [2, 3] : [1, 2];
  const modelChannels = fixedDim(input.shape, channelAxis);
  if (modelChannels !== undefined && modelChannels !== 1 && modelChannels !== 3) {
    const hint = settings.layout === "auto" ? "" : `; check layout (set to ${settings.layout})`;
    throw invalid(
      `${where} has ${modelChannels} channels at axis ${channelAxis} for layout ${layout}; the image classifier feeds 1 (grayscale) or 3 (rgb) channels${hint}`,
    );
  }
  const color = fitColor(settings.color, modelChannels, where, layout);
  const height = fitSize("height", settings.height, fixedDim(input.shape, hAxis), where);
  const width = fitSize("width", settings.width, fixedDim(input.shape, wAxis), where);
  const c = channelsOf(color);
  return {
    color,
    width,
    height,
    order: layout === "NCHW" ? "CHW" : "HWC",
    dims: (n) => (layout === "NCHW" ? [n, c, height, width] : [n, height, width, c]),
    layoutName: layout,
  };
}

/** [N,H,W]: one grayscale plane per image, no channel axis. */
function planRank3(input: TensorInfo, settings: ImageSettings, where: string): Geometry {
  if (settings.color === "rgb") throw invalid(`${where} has no channel axis (grayscale [N,H,W]) but color is 'rgb'; set color to 'grayscale' or 'auto'`);
  const height = fitSize("height", settings.height, fixedDim(input.shape, 1), where);
  const width = fitSize("width", settings.width, fixedDim(input.shape, 2), where);
  return { color: "grayscale", width, height, order: "HWC", dims: (n) => [n, height, width], layoutName: "[N,H,W]" };
}

/**
 * [N, H*W*C]: flattened images. Without width/height the image is taken as square; the values
 * of one image are interleaved (HWC) unless layout says NCHW (planes one after another).
 */
function planFlat(input: TensorInfo, settings: ImageSettings, where: string): Geometry {
  const values = fixedDim(input.shape, 1);
  const order: PixelOrder = settings.layout === "NCHW" ? "CHW" : "HWC";
  const flat = (color: ColorMode, width: number, height: number): Geometry => ({
    color,
    width,
    height,
    order,
    dims: (n) => [n, width * height * channelsOf(color)],
    layoutName: `flattened ${order}`,
  });
  if (values === undefined) {
    if (settings.color === "auto" || settings.width === undefined || settings.height === undefined) {
      throw invalid(`${where} is flattened with a symbolic size; set color, width and height`);
    }
    return flat(settings.color, settings.width, settings.height);
  }
  const candidates: ColorMode[] = settings.color === "auto" ? ["grayscale", "rgb"] : [settings.color];
  for (const color of candidates) {
    const pixels = values / channelsOf(color);
    const { width, height } = settings;
    if (width !== undefined && height !== undefined) {
      if (width * height === pixels) return flat(color, width, height);
    } else if (width !== undefined || height !== undefined) {
      const other = pixels / (width ?? height)!;
      if (Number.isInteger(other)) return flat(color, width ?? other, height ?? other);
    } else {
      const side = Math.round(Math.sqrt(pixels));
      if (side * side === pixels) return flat(color, side, side);
    }
  }
  const size =
    settings.width !== undefined || settings.height !== undefined ? `width ${settings.width ?? "?"} x height ${settings.height ?? "?"}` : "a square image";
  throw invalid(
    `${where} takes ${values} values per image, which does not fit ${size} with color '${settings.color}'; set width, height and color so that width x height x channels = ${values}`,
  );
}

function unsupportedRank(input: TensorInfo, where: string): never {
  throw invalid(`${where} has rank ${input.shape.length}; the image classifier feeds [N,C,H,W], [N,H,W,C], [N,H,W] or flattened [N,H*W*C] inputs`);
}

function detectLayout(shape: (number | string)[], where: string): "NCHW" | "NHWC" {
  const isChannels = (d: number | undefined) => d === 1 || d === 3;
  const first = fixedDim(shape, 1);
  const last = fixedDim(shape, 3);
  if (isChannels(first)) return "NCHW";
  if (isChannels(last)) return "NHWC";
  throw invalid(`${where}: the layout cannot be read from the shape (neither axis 1 nor axis 3 has 1 or 3 channels); set layout to NCHW or NHWC`);
}

function fitColor(setting: ResolvedImageClassifierSettings["color"], modelChannels: number | undefined, where: string, layout: string): ColorMode {
  const fromModel: ColorMode | undefined = modelChannels === undefined ? undefined : modelChannels === 1 ? "grayscale" : "rgb";
  if (setting === "auto") {
    if (!fromModel) throw invalid(`${where} has a symbolic channel axis; set color to 'grayscale' or 'rgb'`);
    return fromModel;
  }
  if (fromModel && fromModel !== setting) {
    throw invalid(
      `${where} takes ${modelChannels} channel${modelChannels === 1 ? "" : "s"} (${layout}) but color is '${setting}' (${channelsOf(setting)} channel${setting === "rgb" ? "s" : ""}); set color to '${fromModel}' or 'auto'`,
    );
  }
  return setting;
}

function fitSize(name: "width" | "height", setting: number | undefined, fromModel: number | undefined, where: string): number {
  if (fromModel !== undefined && setting !== undefined && fromModel !== setting) {
    throw invalid(`${where} takes ${name} ${fromModel} but ${name} is set to ${setting}; remove ${name} or set it to ${fromModel}`);
  }
  const size = setting ?? fromModel;
  if (size === undefined) throw invalid(`${where} has a symbolic ${name}; set ${name} (images are resized to it)`);
  return size;
}

function checkPerChannel(name: "mean" | "std", values: number[] | undefined, channels: number): void {
  if (values === undefined || values.length === 1 || values.length === channels) return;
  throw invalid(`${name} has ${values.length} values; give one value or ${channels} (one per channel)`);
}

function checkOutput(output: TensorInfo): number | undefined {
  const where = `model output ${describeTensor(output)}`;
  if (!NUMERIC_TYPES.has(output.type)) throw invalid(`${where} is not class scores (element type ${output.type}); set outputName to the model's scores output`);
  if (output.shape.length === 1) throw invalid(`${where} has one value per image; the image classifier needs class scores [N, classes]; set outputName`);
  let classes = 1;
  for (let axis = 1; axis < output.shape.length; axis++) {
    const d = fixedDim(output.shape, axis);
    if (d === undefined) return undefined;
    classes *= d;
  }
  return output.shape.length === 0 ? undefined : classes;
}
