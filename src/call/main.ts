import './veil-call-preview';
