"""Image and preprocessing fixtures for test_data.cpp, made with independent tools:
Pillow (PNG writing), NumPy (.npy), pydicom (DICOM writing and decoding, modality LUT) and
torchvision 0.14 (the upstream preprocessing: tensor Resize; ToPILImage -> Resize -> ToTensor).

  data_fixtures.py images DIR       writes images + DIR/expected.pt (what each must read as)
  data_fixtures.py preprocess DIR   writes 299x299 inputs + DIR/resized.pt (both resize paths)
"""
import os
import sys
import warnings

import numpy as np
import pydicom
import torch
from PIL import Image
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixel_data_handlers.util import apply_modality_lut
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

warnings.filterwarnings("ignore")
rng = np.random.default_rng(5)


def write_dicom(path, pixels, photometric, bits_stored, signed=False, slope=None, intercept=None):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = meta.MediaStorageSOPClassUID
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "CR"
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = photometric
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    if slope is not None:
        ds.RescaleSlope = slope
        ds.RescaleIntercept = intercept
    ds.PixelData = pixels.tobytes()
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)


def dicom_expected(path):
    """Our documented rule, computed independently with pydicom's decoding and modality LUT."""
    ds = pydicom.dcmread(path)
    raw = ds.pixel_array.astype(np.float64)
    values = apply_modality_lut(raw, ds).astype(np.float64)
    bits = ds.BitsStored
    lo_raw, hi_raw = ((-(2 ** (bits - 1)), 2 ** (bits - 1) - 1) if ds.PixelRepresentation == 1
                      else (0, 2 ** bits - 1))
    slope = float(getattr(ds, "RescaleSlope", 1.0))
    intercept = float(getattr(ds, "RescaleIntercept", 0.0))
    lo, hi = sorted([lo_raw * slope + intercept, hi_raw * slope + intercept])
    v = (values - lo) / (hi - lo)
    if ds.PhotometricInterpretation == "MONOCHROME1":
        v = 1.0 - v
    return torch.from_numpy(v.astype(np.float32))


def images(d):
    exp = {}
    grey = rng.integers(0, 256, (37, 53), dtype=np.uint8)
    Image.fromarray(grey, "L").save(os.path.join(d, "pil_grey.png"))
    exp["pil_grey.png"] = torch.from_numpy(grey.astype(np.float32) / np.float32(255))
    rgb = rng.integers(0, 256, (20, 30, 3), dtype=np.uint8)
    Image.fromarray(rgb, "RGB").save(os.path.join(d, "pil_rgb.png"))
    exp["pil_rgb.png"] = torch.from_numpy(rgb[..., 0].astype(np.float32) / np.float32(255))
    rgba = rng.integers(0, 256, (17, 19, 4), dtype=np.uint8)
    Image.fromarray(rgba, "RGBA").save(os.path.join(d, "pil_rgba.png"))
    exp["pil_rgba.png"] = torch.from_numpy(rgba[..., 0].astype(np.float32) / np.float32(255))
    wide = rng.integers(0, 65536, (25, 31), dtype=np.uint16)
    Image.fromarray(wide, "I;16").save(os.path.join(d, "pil_16bit.png"))
    exp["pil_16bit.png"] = torch.from_numpy(wide.astype(np.float32) / np.float32(65535))

    f = rng.random((12, 14), dtype=np.float32) * 255
    np.save(os.path.join(d, "float.npy"), f)
    exp["float.npy"] = torch.from_numpy(f / np.float32(255))
    hwc = rng.integers(0, 256, (9, 9, 3), dtype=np.uint8)  # (H, W, C): first channel used
    np.save(os.path.join(d, "hwc.npy"), hwc)
    exp["hwc.npy"] = torch.from_numpy(hwc[..., 0].astype(np.float32) / np.float32(255))
    fort = np.asfortranarray(rng.integers(0, 65536, (6, 11), dtype=np.uint16))
    np.save(os.path.join(d, "fortran_u16.npy"), fort)
    exp["fortran_u16.npy"] = torch.from_numpy(np.ascontiguousarray(fort).astype(np.float32) / np.float32(255))

    m2 = rng.integers(0, 256, (24, 20), dtype=np.uint8)
    write_dicom(os.path.join(d, "mono2_8bit.dcm"), m2, "MONOCHROME2", 8)
    m1 = rng.integers(0, 4096, (18, 22), dtype=np.uint16)
    write_dicom(os.path.join(d, "mono1_12bit_rescale.dcm"), m1, "MONOCHROME1", 12, slope=0.5, intercept=-100)
    sg = rng.integers(-2048, 2048, (16, 16), dtype=np.int16)
    write_dicom(os.path.join(d, "signed_12bit.dcm"), sg, "MONOCHROME2", 12, signed=True, slope=2, intercept=7)
    for name in ["mono2_8bit.dcm", "mono1_12bit_rescale.dcm", "signed_12bit.dcm"]:
        exp[name] = dicom_expected(os.path.join(d, name))
    torch.save(exp, os.path.join(d, "expected.pt"))


def preprocess(d):
    from torchvision import transforms
    yy, xx = np.mgrid[0:299, 0:299]
    smooth = (127 + 100 * np.sin(xx / 17.0) * np.cos(yy / 23.0)).astype(np.uint8)
    noise = rng.integers(0, 256, (299, 299), dtype=np.uint8)
    wide = (rng.random((299, 299)) * 65535).astype(np.uint16)
    out = {}
    for name, arr, mode, scale in [("smooth.png", smooth, "L", 255), ("noise.png", noise, "L", 255),
                                   ("wide16.png", wide, "I;16", 65535)]:
        Image.fromarray(arr, mode).save(os.path.join(d, name))
        # Upstream: read -> /scale (To01), then each dataset's transform.
        x = torch.from_numpy(arr.astype(np.float32)).unsqueeze(0) / float(scale)
        tensor_path = transforms.Resize((128, 128))(x)                     # DefaultDataset
        pil_path = transforms.Compose([transforms.ToPILImage(), transforms.Resize((128, 128)),
                                       transforms.ToTensor()])(x)          # CXRDataset
        out[name] = {"tensor": tensor_path[0].contiguous(), "pil": pil_path[0].contiguous()}
    # The 8-bit round trip /255 -> x255 -> byte is exact for every value (docs/METHOD.md section 4).
    k = torch.arange(256, dtype=torch.uint8)
    out["roundtrip_exact"] = bool(torch.equal((k / 255.0).mul(255).byte(), k))
    torch.save(out, os.path.join(d, "resized.pt"))


def rsna(d):
    """A miniature RSNA challenge download: DICOMs named by patientId and the labels CSV."""
    os.makedirs(os.path.join(d, "dicoms"), exist_ok=True)
    for pid in ["p1", "p2", "p3"]:
        img = rng.integers(0, 256, (64, 64), dtype=np.uint8)
        write_dicom(os.path.join(d, "dicoms", pid + ".dcm"), img, "MONOCHROME2", 8)
    with open(os.path.join(d, "labels.csv"), "w") as f:
        f.write("patientId,x,y,width,height,Target\n")
        f.write("p1,,,,,0\n")
        f.write("p2,4,6,10,8,1\np2,30,30,5,5,1\n")  # two boxes: 80 + 25 pixels
        f.write("p3,0,0,3,2,1\n")
        f.write("p4,,,,,0\n")                        # no DICOM for p4


def padchest(d):
    """A miniature PadChest: its labels CSV (quoted label lists with commas) and 16-bit PNGs with
    a 12-bit range, in ImageDir folders or flat; one listed image missing."""
    rows = [("n1.png", "0", "PA", "['normal']"), ("n2.png", "1", "PA", '"[\'normal\']"'),
            ("n3.png", "0", "AP", "['normal']"), ("n4.png", "7", "PA", "['normal']"),
            ("p1.png", "0", "PA", '"[\'pneumonia\', \'normal\']"'),
            ("p2.png", "1", "PA", '"[\'normal\', \'cardiomegaly\']"'), ("n5.png", "2", "PA", "['normal']")]
    with open(os.path.join(d, "labels.csv"), "w") as f:
        f.write("ImageID,ImageDir,StudyDate_DICOM,Projection,Labels,Localizations\n")
        for name, folder, proj, labels in rows:
            f.write(f"{name},{folder},20150101,{proj},{labels},[]\r\n")
    means = {}
    for name, folder, _, _ in rows:
        if name == "n5.png":
            continue
        where = os.path.join(d, "images") if name == "n4.png" else os.path.join(d, "images", folder)
        os.makedirs(where, exist_ok=True)
        img = (rng.random((120, 90)) * 3000 + 500).astype(np.uint16)
        img[10:40, 20:50] = 4000
        Image.fromarray(img, "I;16").save(os.path.join(where, name))
        lo, hi = float(img.min()), float(img.max())
        means[name] = float(((img - lo) * (255.0 / (hi - lo))).mean())
    with open(os.path.join(d, "means.txt"), "w") as f:
        for k, v in sorted(means.items()):
            f.write(f"{k} {v}\n")


if __name__ == "__main__":
    {"images": images, "preprocess": preprocess, "rsna": rsna, "padchest": padchest}[sys.argv[1]](sys.argv[2])
