"""Layers and networks (``glassnet.nn``), named as in ``torch.nn``."""
from glassnet import init
from glassnet.nn.activation import GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, Softmax, Tanh
from glassnet.nn.container import ModuleList, Sequential
from glassnet.nn.dropout import Dropout
from glassnet.nn.flatten import Flatten
from glassnet.nn.identity import Identity
from glassnet.nn.linear import Linear
from glassnet.nn.loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from glassnet.nn.module import Module
from glassnet.nn.parameter import Parameter

__all__ = [
    "Module", "Parameter", "Linear", "Sequential", "ModuleList",
    "ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "GELU",
    "Dropout", "Identity", "Flatten",
    "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "init",
]
