import './ui/veil-app';
